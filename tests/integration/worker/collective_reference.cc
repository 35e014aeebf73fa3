#include "worker/collective_reference.h"

#include <numeric>

#include "worker/dtype_codec.h"

namespace ccs::it {

bool IsReductionKind(CollectiveKind k) {
  return k == CollectiveKind::kAllReduce || k == CollectiveKind::kReduceScatter ||
         k == CollectiveKind::kReduceScatterV || k == CollectiveKind::kReduce;
}

bool IsRootedKind(CollectiveKind k) {
  return k == CollectiveKind::kReduce || k == CollectiveKind::kBroadcast ||
         k == CollectiveKind::kGather || k == CollectiveKind::kScatter;
}

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

CollectiveReference::CollectiveReference(const CollectiveCase& c, uint32_t world,
                                         uint32_t rank)
    : c_(c), n_(world), rank_(rank), elem_(ElemSize(c.dtype)) {
  layout_ = ComputeLayout();
}

void CollectiveReference::WriteInput(uint8_t* dst) const {
  PutInputs(dst, 0, rank_, 0, layout_.input_elems);
}

std::vector<uint64_t> CollectiveReference::VCounts() const {
  std::vector<uint64_t> v(n_);
  for (uint32_t r = 0; r < n_; ++r) {
    if (c_.count == 0)
      v[r] = 0;
    else if (c_.count == 1)
      v[r] = (r + c_.id) % 2;  // some ranks contribute nothing
    else
      v[r] = c_.count + (5 * r + c_.id) % 7;
  }
  return v;
}

uint64_t CollectiveReference::A2aCount(uint32_t i, uint32_t j) const {
  if (c_.count == 0) return 0;
  if (c_.count == 1) return (i + j + c_.id) % 2;
  return c_.count + (3 * i + 5 * j + c_.id) % 7;
}

std::vector<uint64_t> CollectiveReference::A2aSendCounts() const {
  std::vector<uint64_t> v(n_);
  for (uint32_t j = 0; j < n_; ++j) v[j] = A2aCount(rank_, j);
  return v;
}

std::vector<uint64_t> CollectiveReference::A2aRecvCounts() const {
  std::vector<uint64_t> v(n_);
  for (uint32_t j = 0; j < n_; ++j) v[j] = A2aCount(j, rank_);
  return v;
}

Layout CollectiveReference::ComputeLayout() const {
  const uint64_t c = c_.count, n = n_, r = rank_;
  const bool ip = c_.in_place;
  const bool is_root = rank_ == c_.root;
  Layout l;
  auto sum = [](const std::vector<uint64_t>& v) {
    return std::accumulate(v.begin(), v.end(), uint64_t{0});
  };
  // Defaults: out-of-place input of `in` elements into a recv region of `out`.
  auto set = [&](uint64_t in, uint64_t out, uint64_t in_place_at,
                 uint64_t in_place_recv) {
    l.input_elems = in;
    l.pass_send = !ip;
    l.send_elems = ip ? 0 : in;
    l.recv_elems = ip ? in_place_recv : out;
    l.input_in_recv = ip;
    l.input_at = ip ? in_place_at : 0;
  };
  switch (c_.kind) {
    case CollectiveKind::kAllReduce:
      set(c, c, 0, c);
      break;
    case CollectiveKind::kAllGather:
      set(c, n * c, r * c, n * c);
      break;
    case CollectiveKind::kAllGatherV: {
      auto v = VCounts();
      uint64_t disp = std::accumulate(v.begin(), v.begin() + r, uint64_t{0});
      set(v[r], sum(v), disp, sum(v));
      break;
    }
    case CollectiveKind::kReduceScatter:
      set(n * c, c, 0, n * c);
      break;
    case CollectiveKind::kReduceScatterV: {
      auto v = VCounts();
      set(sum(v), v[r], 0, sum(v));
      break;
    }
    case CollectiveKind::kReduce:
      set(c, c, 0, c);
      break;
    case CollectiveKind::kBroadcast:
      set(c, c, 0, c);
      if (ip && !is_root) l.input_in_recv = false;  // non-root: output only
      break;
    case CollectiveKind::kGather:
      set(c, n * c, c_.root * c, n * c);
      if (ip && !is_root) {  // in-place is a root-side notion: others send
        l.pass_send = true;
        l.send_elems = c;
        l.input_in_recv = false;
        l.input_at = 0;
      }
      break;
    case CollectiveKind::kScatter:
      set(n * c, c, 0, is_root ? n * c : c);
      if (ip && !is_root) l.input_in_recv = false;  // non-root: output only
      break;
    case CollectiveKind::kAllToAll:
      set(n * c, n * c, 0, n * c);
      break;
    case CollectiveKind::kAllToAllV: {
      uint64_t s = sum(A2aSendCounts()), rv = sum(A2aRecvCounts());
      set(s, rv, 0, std::max(s, rv));
      break;
    }
    case CollectiveKind::kSend:
      set(c, c, 0, c);
      break;
    case CollectiveKind::kRecv:
    case CollectiveKind::kBarrier:
      break;
  }
  return l;
}

void CollectiveReference::WriteExpected(uint8_t* image) const {
  const uint64_t c = c_.count, r = rank_;
  const bool ip = c_.in_place;
  const bool is_root = rank_ == c_.root;
  switch (c_.kind) {
    case CollectiveKind::kAllReduce:
      PutReduced(image, 0, 0, c);
      break;
    case CollectiveKind::kAllGather:
      for (uint32_t s = 0; s < n_; ++s) PutInputs(image, s * c, s, 0, c);
      break;
    case CollectiveKind::kAllGatherV: {
      auto v = VCounts();
      uint64_t at = 0;
      for (uint32_t s = 0; s < n_; ++s) {
        PutInputs(image, at, s, 0, v[s]);
        at += v[s];
      }
      break;
    }
    case CollectiveKind::kReduceScatter:
      PutReduced(image, ip ? r * c : 0, r * c, c);
      break;
    case CollectiveKind::kReduceScatterV: {
      auto v = VCounts();
      uint64_t disp = std::accumulate(v.begin(), v.begin() + r, uint64_t{0});
      PutReduced(image, ip ? disp : 0, disp, v[r]);
      break;
    }
    case CollectiveKind::kReduce:
      if (is_root) PutReduced(image, 0, 0, c);  // others: untouched
      break;
    case CollectiveKind::kBroadcast:
      PutInputs(image, 0, c_.root, 0, c);
      break;
    case CollectiveKind::kGather:
      if (is_root) {
        for (uint32_t s = 0; s < n_; ++s) PutInputs(image, s * c, s, 0, c);
      }
      break;
    case CollectiveKind::kScatter:
      PutInputs(image, ip && is_root ? r * c : 0, c_.root, r * c, c);
      break;
    case CollectiveKind::kAllToAll:
      for (uint32_t s = 0; s < n_; ++s) PutInputs(image, s * c, s, r * c, c);
      break;
    case CollectiveKind::kAllToAllV: {
      uint64_t at = 0;
      for (uint32_t s = 0; s < n_; ++s) {
        uint64_t first = 0;
        for (uint32_t k = 0; k < rank_; ++k) first += A2aCount(s, k);
        PutInputs(image, at, s, first, A2aCount(s, rank_));
        at += A2aCount(s, rank_);
      }
      break;
    }
    case CollectiveKind::kSend:  // ring: this rank received from its left neighbour
      PutInputs(image, 0, (rank_ + n_ - 1) % n_, 0, c);
      break;
    case CollectiveKind::kRecv:
    case CollectiveKind::kBarrier:
      break;
  }
}

}  // namespace ccs::it
