#include "tests/gpu/collectives/reference.h"

#include <algorithm>
#include <numeric>

#include "tests/gpu/collectives/values.h"

namespace ccs::gputest {
namespace {

uint64_t Sum(const std::vector<uint64_t>& v) {
  return std::accumulate(v.begin(), v.end(), uint64_t{0});
}

}  // namespace

Reference::Reference(const Case& c, uint32_t world, uint32_t rank, uint64_t seed)
    : c_(c),
      n_(world),
      rank_(rank),
      elem_(DataTypeSize(c.dtype)),
      seed_(Mix(seed * 7919 + c.id)) {
  layout_ = ComputeLayout();
}

double Reference::Value(uint32_t r, uint64_t i) const {
  return InputValue(c_.dtype, c_.op, seed_, r, i);
}

std::vector<uint64_t> Reference::VCounts() const {
  std::vector<uint64_t> v(n_);
  for (uint32_t r = 0; r < n_; ++r) {
    v[r] = c_.count == 1 ? (r + c_.id) % 2  // some ranks contribute nothing
                         : c_.count + (5 * r + c_.id) % 7;
  }
  return v;
}

uint64_t Reference::A2aCount(uint32_t i, uint32_t j) const {
  if (c_.count == 1) return (i + j + c_.id) % 2;
  return c_.count + (3 * i + 5 * j + c_.id) % 7;
}

std::vector<uint64_t> Reference::A2aSendCounts() const {
  std::vector<uint64_t> v(n_);
  for (uint32_t j = 0; j < n_; ++j) v[j] = A2aCount(rank_, j);
  return v;
}

std::vector<uint64_t> Reference::A2aRecvCounts() const {
  std::vector<uint64_t> v(n_);
  for (uint32_t j = 0; j < n_; ++j) v[j] = A2aCount(j, rank_);
  return v;
}

Layout Reference::ComputeLayout() const {
  const uint64_t c = c_.count, n = n_, r = rank_;
  const bool ip = c_.in_place, root = rank_ == c_.root;
  Layout l;
  // Out of place: `in` elements in send, `out` in recv. In place: the input
  // at `at` of a recv region of `ip_recv` elements.
  auto set = [&](uint64_t in, uint64_t out, uint64_t at, uint64_t ip_recv) {
    l.input_elems = in;
    l.pass_send = !ip;
    l.send_elems = ip ? 0 : in;
    l.recv_elems = ip ? ip_recv : out;
    l.input_in_recv = ip;
    l.input_at = ip ? at : 0;
  };
  switch (c_.kind) {
    case CollectiveKind::kAllReduce:
    case CollectiveKind::kReduce:
    case CollectiveKind::kSend:
      set(c, c, 0, c);
      break;
    case CollectiveKind::kAllGather:
      set(c, n * c, r * c, n * c);
      break;
    case CollectiveKind::kAllGatherV: {
      const auto v = VCounts();
      set(v[r], Sum(v), std::accumulate(v.begin(), v.begin() + r, uint64_t{0}), Sum(v));
      break;
    }
    case CollectiveKind::kReduceScatter:
      set(n * c, c, 0, n * c);
      break;
    case CollectiveKind::kReduceScatterV: {
      const auto v = VCounts();
      set(Sum(v), v[r], 0, Sum(v));
      break;
    }
    case CollectiveKind::kBroadcast:
      set(c, c, 0, c);
      if (ip && !root) l.input_in_recv = false;  // non-root: output only
      break;
    case CollectiveKind::kGather:
      set(c, n * c, c_.root * c, n * c);
      if (ip && !root) {  // in place is the root's notion: the others send
        l.pass_send = true;
        l.send_elems = c;
        l.input_in_recv = false;
        l.input_at = 0;
      }
      break;
    case CollectiveKind::kScatter:
      set(n * c, c, 0, root ? n * c : c);
      if (ip && !root) l.input_in_recv = false;  // non-root: output only
      break;
    case CollectiveKind::kAllToAll:
      set(n * c, n * c, 0, n * c);
      break;
    case CollectiveKind::kAllToAllV: {
      const uint64_t s = Sum(A2aSendCounts()), rv = Sum(A2aRecvCounts());
      set(s, rv, 0, std::max(s, rv));
      break;
    }
    case CollectiveKind::kRecv:
    case CollectiveKind::kBarrier:
      l.pass_send = false;
      break;
  }
  return l;
}

void Reference::WriteInput(uint8_t* dst) const {
  for (uint64_t i = 0; i < layout_.input_elems; ++i) {
    Encode(c_.dtype, Value(rank_, i), dst + i * elem_);
  }
}

void Reference::PutInputs(uint8_t* image, uint64_t at, uint32_t src, uint64_t first,
                          uint64_t n) const {
  for (uint64_t k = 0; k < n; ++k) {
    Encode(c_.dtype, Value(src, first + k), image + (at + k) * elem_);
  }
}

void Reference::PutReduced(uint8_t* image, uint64_t at, uint64_t first,
                           uint64_t n) const {
  std::vector<double> inputs(n_);
  for (uint64_t k = 0; k < n; ++k) {
    for (uint32_t r = 0; r < n_; ++r) inputs[r] = Value(r, first + k);
    EncodeReduced(c_.dtype, c_.op, inputs.data(), n_, image + (at + k) * elem_);
  }
}

void Reference::WriteExpected(uint8_t* image) const {
  const uint64_t c = c_.count, r = rank_;
  const bool ip = c_.in_place, root = rank_ == c_.root;
  switch (c_.kind) {
    case CollectiveKind::kAllReduce:
      return PutReduced(image, 0, 0, c);
    case CollectiveKind::kAllGather:
      for (uint32_t s = 0; s < n_; ++s) PutInputs(image, s * c, s, 0, c);
      return;
    case CollectiveKind::kAllGatherV: {
      const auto v = VCounts();
      uint64_t at = 0;
      for (uint32_t s = 0; s < n_; ++s) {
        PutInputs(image, at, s, 0, v[s]);
        at += v[s];
      }
      return;
    }
    case CollectiveKind::kReduceScatter:
      return PutReduced(image, ip ? r * c : 0, r * c, c);
    case CollectiveKind::kReduceScatterV: {
      const auto v = VCounts();
      const uint64_t disp = std::accumulate(v.begin(), v.begin() + r, uint64_t{0});
      return PutReduced(image, ip ? disp : 0, disp, v[r]);
    }
    case CollectiveKind::kReduce:
      if (root) PutReduced(image, 0, 0, c);  // others: untouched
      return;
    case CollectiveKind::kBroadcast:
      return PutInputs(image, 0, c_.root, 0, c);
    case CollectiveKind::kGather:
      if (root) {
        for (uint32_t s = 0; s < n_; ++s) PutInputs(image, s * c, s, 0, c);
      }
      return;
    case CollectiveKind::kScatter:
      return PutInputs(image, ip && root ? r * c : 0, c_.root, r * c, c);
    case CollectiveKind::kAllToAll:
      for (uint32_t s = 0; s < n_; ++s) PutInputs(image, s * c, s, r * c, c);
      return;
    case CollectiveKind::kAllToAllV: {
      uint64_t at = 0;
      for (uint32_t s = 0; s < n_; ++s) {
        uint64_t first = 0;
        for (uint32_t k = 0; k < rank_; ++k) first += A2aCount(s, k);
        PutInputs(image, at, s, first, A2aCount(s, rank_));
        at += A2aCount(s, rank_);
      }
      return;
    }
    case CollectiveKind::kSend:  // a ring: this rank received its left neighbour's
      return PutInputs(image, 0, (rank_ + n_ - 1) % n_, 0, c);
    case CollectiveKind::kRecv:
    case CollectiveKind::kBarrier:
      return;
  }
}

}  // namespace ccs::gputest
