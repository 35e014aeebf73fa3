#include "tests/gpu/collectives/cases.h"

namespace ccs::gputest {
namespace {

// 1 element to ~2 MiB of float32 per rank block; odd counts throughout.
constexpr uint64_t kCounts[] = {1, 3, 1023, 65537, (uint64_t{2} << 20) / 4 + 5};

struct Combo {
  DataType dtype;
  std::vector<ReduceOp> ops;
};

// all_reduce: the dtypes and ops.
std::vector<Combo> AllReduceCombos() {
  using D = DataType;
  using O = ReduceOp;
  return {
      {D::kFloat32, {O::kSum, O::kProd, O::kMin, O::kMax, O::kAvg}},
      {D::kFloat16, {O::kSum, O::kAvg, O::kMax}},
      {D::kBfloat16, {O::kSum, O::kMin}},
      {D::kInt32, {O::kSum, O::kProd, O::kMin, O::kMax, O::kAvg}},
      {D::kInt64, {O::kSum, O::kMin}},
      {D::kUint8, {O::kSum, O::kMax}},
  };
}

// The other collectives, float32; reductions also with a second op.
std::vector<std::pair<CollectiveKind, std::vector<ReduceOp>>> OtherKinds() {
  using K = CollectiveKind;
  using O = ReduceOp;
  return {
      {K::kAllGather, {O::kSum}},
      {K::kAllGatherV, {O::kSum}},
      {K::kReduceScatter, {O::kSum, O::kMax}},
      {K::kReduceScatterV, {O::kSum}},
      {K::kReduce, {O::kSum, O::kMin}},
      {K::kBroadcast, {O::kSum}},
      {K::kGather, {O::kSum}},
      {K::kScatter, {O::kSum}},
      {K::kAllToAll, {O::kSum}},
      {K::kAllToAllV, {O::kSum}},
      {K::kSend, {O::kSum}},
      {K::kBarrier, {O::kSum}},
  };
}

}  // namespace

std::string Name(const Case& c) {
  std::string s(CollectiveName(c.kind));
  if (it::IsReductionKind(c.kind)) s += "/" + std::string(ReduceOpName(c.op));
  s += " " + std::string(DataTypeName(c.dtype)) + " count=" + std::to_string(c.count) +
       (c.in_place ? " in_place" : " out_of_place");
  if (it::IsRootedKind(c.kind)) s += " root=" + std::to_string(c.root);
  return s;
}

std::vector<Case> BuildCases(uint32_t world) {
  std::vector<Case> out;
  auto add = [&](CollectiveKind k, DataType t, ReduceOp op, uint64_t count, bool ip) {
    Case c;
    c.id = out.size();
    c.kind = k;
    c.dtype = t;
    c.op = op;
    c.count = count;
    c.in_place = ip;
    // Rotate the root, and never always 0.
    c.root = it::IsRootedKind(k) ? static_cast<uint32_t>((c.id * 7 + 1) % world) : 0;
    out.push_back(c);
  };
  for (uint64_t count : kCounts) {
    for (bool ip : {false, true}) {
      for (const Combo& combo : AllReduceCombos()) {
        for (ReduceOp op : combo.ops) {
          add(CollectiveKind::kAllReduce, combo.dtype, op, count, ip);
        }
      }
      for (const auto& [kind, ops] : OtherKinds()) {
        if (kind == CollectiveKind::kSend && (ip || world < 2)) continue;
        if (kind == CollectiveKind::kBarrier && ip) continue;
        for (ReduceOp op : ops) add(kind, DataType::kFloat32, op, count, ip);
      }
    }
  }
  return out;
}

}  // namespace ccs::gputest
