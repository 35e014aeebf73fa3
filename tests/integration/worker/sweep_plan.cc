#include "worker/sweep_plan.h"

#include <algorithm>
#include <numeric>

#include "worker/dtype_codec.h"
#include "worker/names.h"

namespace ccs::it {
namespace {

constexpr CollectiveKind kAllKinds[] = {
    CollectiveKind::kAllReduce,      CollectiveKind::kAllGather,
    CollectiveKind::kAllGatherV,     CollectiveKind::kReduceScatter,
    CollectiveKind::kReduceScatterV, CollectiveKind::kReduce,
    CollectiveKind::kBroadcast,      CollectiveKind::kGather,
    CollectiveKind::kScatter,        CollectiveKind::kAllToAll,
    CollectiveKind::kAllToAllV,      CollectiveKind::kSend,
    CollectiveKind::kBarrier};
constexpr DataType kAllDtypes[] = {
    DataType::kInt8,    DataType::kUint8,    DataType::kInt32,   DataType::kInt64,
    DataType::kFloat16, DataType::kBfloat16, DataType::kFloat32, DataType::kFloat64};
constexpr ReduceOp kAllOps[] = {ReduceOp::kSum, ReduceOp::kProd, ReduceOp::kMin,
                                ReduceOp::kMax, ReduceOp::kAvg};

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

bool IsReductionKind(CollectiveKind k) {
  return k == CollectiveKind::kAllReduce || k == CollectiveKind::kReduceScatter ||
         k == CollectiveKind::kReduceScatterV || k == CollectiveKind::kReduce;
}

bool IsRootedKind(CollectiveKind k) {
  return k == CollectiveKind::kReduce || k == CollectiveKind::kBroadcast ||
         k == CollectiveKind::kGather || k == CollectiveKind::kScatter;
}

template <typename T, size_t N>
std::vector<T> OrAll(const std::vector<T>& chosen, const T (&all)[N]) {
  return chosen.empty() ? std::vector<T>(all, all + N) : chosen;
}

// Appends the cases of one (count, placement, dtype) cell.
void AddCell(const SweepOptions& o, uint64_t count, bool in_place, DataType dt,
             bool large, size_t dtype_index, std::vector<SweepCase>& out) {
  for (CollectiveKind k : OrAll(o.kinds, kAllKinds)) {
    if (k == CollectiveKind::kSend && (in_place || o.world < 2)) continue;
    // Barrier has no buffers: once per count and placement.
    if (k == CollectiveKind::kBarrier && dtype_index != 0) continue;
    std::vector<ReduceOp> ops = {ReduceOp::kSum};
    if (IsReductionKind(k)) {
      ops.assign(std::begin(kAllOps), std::end(kAllOps));
      if (large && !o.large_all_ops) {
        ops = {kAllOps[(dtype_index + static_cast<size_t>(k) + (in_place ? 2 : 0)) % 5]};
      }
    }
    for (ReduceOp op : ops) {
      SweepCase c;
      c.id = out.size();
      c.kind = k;
      c.dtype = dt;
      c.op = op;
      c.count = count;
      c.in_place = in_place;
      c.root = IsRootedKind(k) ? static_cast<uint32_t>(c.id % o.world) : 0;
      out.push_back(c);
    }
  }
}

}  // namespace

std::string SweepCase::Name() const {
  std::string s = std::to_string(id) + " " + std::string(KindName(kind)) + " " +
                  std::string(DtypeName(dtype));
  if (IsReductionKind(kind)) s += " " + std::string(OpName(op));
  s += " count=" + std::to_string(count) + (in_place ? " in_place" : " out_of_place");
  if (IsRootedKind(kind)) s += " root=" + std::to_string(root);
  return s;
}

std::vector<SweepCase> BuildCases(const SweepOptions& o) {
  std::vector<SweepCase> cases;
  const auto dtypes = OrAll(o.dtypes, kAllDtypes);
  for (uint64_t count : o.counts) {
    for (bool in_place : o.placements) {
      for (size_t d = 0; d < dtypes.size(); ++d) {
        AddCell(o, count, in_place, dtypes[d], false, d, cases);
      }
    }
  }
  if (o.large_bytes == 0) return cases;
  for (bool in_place : o.placements) {
    if (in_place && !o.large_in_place) continue;
    for (size_t d = 0; d < dtypes.size(); ++d) {
      // Odd and not a power of two, so chunking has a ragged tail.
      uint64_t count = o.large_bytes / ElemSize(dtypes[d]) + 3;
      AddCell(o, count, in_place, dtypes[d], true, d, cases);
    }
  }
  return cases;
}

Reference::Reference(const SweepCase& c, uint32_t world, uint32_t rank)
    : c_(c),
      n_(world),
      rank_(rank),
      elem_(ElemSize(c.dtype)),
      seed_(Mix(c.id * 7919 + 1)) {
  layout_ = ComputeLayout();
}

int64_t Reference::Value(uint32_t r, uint64_t i) const {
  const uint64_t h = Mix(seed_ + r * 0xD1B54A32D192ED03ull + i);
  if (c_.op == ReduceOp::kProd && IsReductionKind(c_.kind)) {
    // |product| <= 2^world: fits int8 for world <= 4 (and uint8 stays positive).
    if (c_.dtype == DataType::kUint8) return 1 + static_cast<int64_t>(h & 1);
    static constexpr int64_t kFactors[] = {-2, -1, 1, 2};
    return kFactors[h & 3];
  }
  if (c_.dtype == DataType::kUint8) return static_cast<int64_t>(h % 9);  // [0, 8]
  return static_cast<int64_t>(h % 17) - 8;                               // [-8, 8]
}

std::vector<uint64_t> Reference::VCounts() const {
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

uint64_t Reference::A2aCount(uint32_t i, uint32_t j) const {
  if (c_.count == 0) return 0;
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

void Reference::WriteInput(uint8_t* dst) const {
  for (uint64_t i = 0; i < layout_.input_elems; ++i) {
    EncodeInt(c_.dtype, Value(rank_, i), dst + i * elem_);
  }
}

void Reference::PutInputs(uint8_t* image, uint64_t at, uint32_t src, uint64_t first,
                          uint64_t n) const {
  for (uint64_t k = 0; k < n; ++k) {
    EncodeInt(c_.dtype, Value(src, first + k), image + (at + k) * elem_);
  }
}

void Reference::PutReduced(uint8_t* image, uint64_t at, uint64_t first,
                           uint64_t n) const {
  for (uint64_t k = 0; k < n; ++k) {
    int64_t acc = Value(0, first + k);
    for (uint32_t r = 1; r < n_; ++r) {
      const int64_t v = Value(r, first + k);
      switch (c_.op) {
        case ReduceOp::kSum:
        case ReduceOp::kAvg:
          acc += v;
          break;
        case ReduceOp::kProd:
          acc *= v;
          break;
        case ReduceOp::kMin:
          acc = std::min(acc, v);
          break;
        case ReduceOp::kMax:
          acc = std::max(acc, v);
          break;
      }
    }
    uint8_t* dst = image + (at + k) * elem_;
    if (c_.op == ReduceOp::kAvg)
      EncodeAvg(c_.dtype, acc, n_, dst);
    else
      EncodeInt(c_.dtype, acc, dst);
  }
}

void Reference::WriteExpected(uint8_t* image) const {
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
