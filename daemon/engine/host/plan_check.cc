#include "daemon/engine/host/plan_check.h"

#include <algorithm>
#include <string>

#include "daemon/core/types.h"

namespace ccs::host {
namespace {

// Elements rank r must be able to read from `in` and write to `out`.
struct Need {
  uint64_t in = 0;
  uint64_t out = 0;
};

// all_gather_v / reduce_scatter_v: blocks of plan.counts packed in rank order.
bool IsPacked(CollectiveKind kind) {
  return kind == CollectiveKind::kAllGatherV || kind == CollectiveKind::kReduceScatterV;
}

bool Mul(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}
bool Add(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

bool Sum(const std::vector<uint64_t>& v, uint64_t* total) {
  *total = 0;
  for (uint64_t x : v) {
    if (!Add(*total, x, total)) return false;
  }
  return true;
}

std::string Prefix(const OpPlan& plan) {
  return std::string(CollectiveName(plan.kind)) + ": ";
}

Status CheckCounts(const OpPlan& plan) {
  const size_t n = plan.ranks.size();
  if (IsPacked(plan.kind) && plan.counts.size() != n) {
    return InvalidArgument(Prefix(plan) + "counts has " +
                           std::to_string(plan.counts.size()) + " entries for " +
                           std::to_string(n) + " ranks");
  }
  if (plan.kind != CollectiveKind::kAllToAllV) return Status::Ok();
  for (size_t r = 0; r < n; ++r) {
    const RankIo& io = plan.ranks[r];
    if (io.send_counts.size() != n || io.recv_counts.size() != n) {
      return InvalidArgument(Prefix(plan) + "rank " + std::to_string(r) +
                             " needs one send and one recv count per rank");
    }
  }
  for (size_t r = 0; r < n; ++r) {
    for (size_t s = 0; s < n; ++s) {
      if (plan.ranks[r].recv_counts[s] != plan.ranks[s].send_counts[r]) {
        return InvalidArgument(Prefix(plan) + "rank " + std::to_string(r) + " expects " +
                               std::to_string(plan.ranks[r].recv_counts[s]) +
                               " elements from rank " + std::to_string(s) +
                               ", which sends " +
                               std::to_string(plan.ranks[s].send_counts[r]));
      }
    }
  }
  return Status::Ok();
}

// Elements of all ranks' blocks together: N * count, or the sum of counts
// for packed kinds. False on 64-bit overflow.
bool TotalElems(const OpPlan& plan, uint64_t* all) {
  if (IsPacked(plan.kind)) return Sum(plan.counts, all);
  return Mul(plan.ranks.size(), plan.count, all);
}

// What rank r touches; `offset` is the start of its block for packed kinds
// and `all` is TotalElems. False on 64-bit overflow.
bool NeedOf(const OpPlan& plan, size_t r, uint64_t all, uint64_t offset, Need* need) {
  const uint64_t c = plan.count;
  const RankIo& io = plan.ranks[r];
  const bool root = r == plan.root;
  const bool in_is_out = io.in == io.out;
  const bool packed = IsPacked(plan.kind);
  const uint64_t own = packed ? plan.counts[r] : c;
  const uint64_t own_offset = packed ? offset : r * c;  // own_offset + own <= all
  switch (plan.kind) {
    case CollectiveKind::kAllReduce:
      *need = {c, c};
      break;
    case CollectiveKind::kReduce:
      *need = {c, root ? c : 0};
      break;
    case CollectiveKind::kReduceScatter:
    case CollectiveKind::kReduceScatterV:
      *need = {all, in_is_out ? own_offset + own : own};
      break;
    case CollectiveKind::kAllGather:
    case CollectiveKind::kAllGatherV:
      *need = {own, all};
      break;
    case CollectiveKind::kBroadcast:
      *need = {root ? c : 0, c};
      break;
    case CollectiveKind::kGather:
      *need = {c, root ? all : 0};
      break;
    case CollectiveKind::kScatter:
      *need = {root ? all : 0, root && in_is_out ? own_offset + c : c};
      break;
    case CollectiveKind::kAllToAll:
      *need = {all, all};
      break;
    case CollectiveKind::kAllToAllV:
      return Sum(io.send_counts, &need->in) && Sum(io.recv_counts, &need->out);
    case CollectiveKind::kSend:
      *need = {r == 0 ? c : 0, r == 1 ? c : 0};
      break;
    case CollectiveKind::kRecv:
    case CollectiveKind::kBarrier:
      *need = {};
      break;
  }
  return true;
}

Status CheckBuffer(const OpPlan& plan, size_t r, const char* name, const void* ptr,
                   uint64_t have, uint64_t need) {
  if (need == 0) return Status::Ok();
  if (ptr == nullptr) {
    return InvalidArgument(Prefix(plan) + "rank " + std::to_string(r) + " has no " +
                           name + " buffer for " + std::to_string(need) + " elements");
  }
  if (have < need) {
    return InvalidArgument(Prefix(plan) + "rank " + std::to_string(r) + " " + name +
                           " buffer holds " + std::to_string(have) + " elements, " +
                           std::to_string(need) + " needed");
  }
  return Status::Ok();
}

Status CheckShape(const OpPlan& plan) {
  const size_t n = plan.ranks.size();
  if (n == 0) return InvalidArgument(Prefix(plan) + "plan has no ranks");
  if (plan.kind == CollectiveKind::kRecv) {
    return InvalidArgument(
        "recv: plan a send/recv pair as one send of {sender, receiver}");
  }
  if (static_cast<unsigned>(plan.kind) >
      static_cast<unsigned>(CollectiveKind::kBarrier)) {
    return InvalidArgument("unknown collective kind " +
                           std::to_string(static_cast<unsigned>(plan.kind)));
  }
  if (DataTypeSize(plan.dtype) == 0) {
    return InvalidArgument(Prefix(plan) + "unknown dtype " +
                           std::to_string(static_cast<unsigned>(plan.dtype)));
  }
  if (IsReduction(plan.kind) &&
      static_cast<unsigned>(plan.op) > static_cast<unsigned>(ReduceOp::kAvg)) {
    return InvalidArgument(Prefix(plan) + "unknown reduce op " +
                           std::to_string(static_cast<unsigned>(plan.op)));
  }
  if (plan.kind == CollectiveKind::kSend && n != 2) {
    return InvalidArgument("send: needs exactly 2 ranks {sender, receiver}, got " +
                           std::to_string(n));
  }
  if (IsRooted(plan.kind) && plan.root >= n) {
    return InvalidArgument(Prefix(plan) + "root " + std::to_string(plan.root) +
                           " out of range for " + std::to_string(n) + " ranks");
  }
  return CheckCounts(plan);
}

}  // namespace

StatusOr<PlanShape> CheckPlan(const OpPlan& plan) {
  RETURN_IF_ERROR(CheckShape(plan));
  const auto overflow = [&plan] {
    return InvalidArgument(Prefix(plan) + "sizes overflow 64 bits");
  };
  uint64_t all = 0;
  if (!TotalElems(plan, &all)) return overflow();
  const uint64_t esz = DataTypeSize(plan.dtype);
  PlanShape shape;
  uint64_t offset = 0;  // packed kinds: start of rank r's block
  for (size_t r = 0; r < plan.ranks.size(); ++r) {
    Need need;
    if (!NeedOf(plan, r, all, offset, &need)) return overflow();
    if (IsPacked(plan.kind)) offset += plan.counts[r];
    const RankIo& io = plan.ranks[r];
    RETURN_IF_ERROR(CheckBuffer(plan, r, "in", io.in, io.in_count, need.in));
    RETURN_IF_ERROR(CheckBuffer(plan, r, "out", io.out, io.out_count, need.out));
    uint64_t bytes = 0;
    if (!Mul(std::max(need.in, need.out), esz, &bytes)) return overflow();
    shape.max_rank_bytes = std::max(shape.max_rank_bytes, bytes);
  }
  return shape;
}

}  // namespace ccs::host
