#include "worker/sweep_plan.h"

#include <iterator>

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
    DataType::kInt8,    DataType::kUint8,      DataType::kInt32,
    DataType::kInt64,   DataType::kFloat16,    DataType::kBfloat16,
    DataType::kFloat32, DataType::kFloat64,    DataType::kUint32,
    DataType::kUint64,  DataType::kFloat8E4m3, DataType::kFloat8E5m2};
constexpr ReduceOp kAllOps[] = {ReduceOp::kSum, ReduceOp::kProd, ReduceOp::kMin,
                                ReduceOp::kMax, ReduceOp::kAvg};

bool HasLargeCases(DataType t) {
  return t != DataType::kUint32 && t != DataType::kUint64 && t != DataType::kFloat8E4m3 &&
         t != DataType::kFloat8E5m2;
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
      // Large counts test chunking, which only the element size shapes: the
      // types that add no size or arithmetic path of their own there
      // (uint32, uint64, float8) run small counts only, unless chosen.
      if (o.dtypes.empty() && !HasLargeCases(dtypes[d])) continue;
      // Odd and not a power of two, so chunking has a ragged tail.
      uint64_t count = o.large_bytes / ElemSize(dtypes[d]) + 3;
      AddCell(o, count, in_place, dtypes[d], true, d, cases);
    }
  }
  return cases;
}

Reference::Reference(const SweepCase& c, uint32_t world, uint32_t rank)
    : CollectiveReference(c, world, rank), seed_(Mix(c.id * 7919 + 1)) {}

int64_t Reference::Value(uint32_t r, uint64_t i) const {
  const uint64_t h = Mix(seed_ + r * 0xD1B54A32D192ED03ull + i);
  if (c_.op == ReduceOp::kProd && IsReductionKind(c_.kind)) {
    // |product| <= 2^world: fits int8 for world <= 4 (and unsigned types
    // stay positive); powers of two are exact in float8.
    if (IsUnsigned(c_.dtype)) return 1 + static_cast<int64_t>(h & 1);
    static constexpr int64_t kFactors[] = {-2, -1, 1, 2};
    return kFactors[h & 3];
  }
  // Unsigned types: no negatives, so min/max/avg compare as the daemon does.
  if (IsUnsigned(c_.dtype)) return static_cast<int64_t>(h % 9);  // [0, 8]
  // float8: across nodes each node's partial sum is stored as float8 before
  // the network's step, so the values keep every partial sum exact (|sum|
  // <= 8 for worlds up to 8); the final sum or average then rounds once, as
  // EncodeInt/EncodeAvg round the exact result.
  if (c_.dtype == DataType::kFloat8E4m3 || c_.dtype == DataType::kFloat8E5m2) {
    return static_cast<int64_t>(h % 3) - 1;  // [-1, 1]
  }
  return static_cast<int64_t>(h % 17) - 8;  // [-8, 8]
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
    for (uint32_t r = 1; r < n_; ++r) acc = ReduceStep(c_.op, acc, Value(r, first + k));
    uint8_t* dst = image + (at + k) * elem_;
    if (c_.op == ReduceOp::kAvg)
      EncodeAvg(c_.dtype, acc, n_, dst);
    else
      EncodeInt(c_.dtype, acc, dst);
  }
}

}  // namespace ccs::it
