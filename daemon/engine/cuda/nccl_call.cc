#include "daemon/engine/cuda/nccl_call.h"

#include <numeric>
#include <string>
#include <unordered_set>

namespace ccs::cuda {
namespace {

using Kind = NcclCall::Kind;

std::string Prefix(const OpPlan& plan) {
  return std::string(CollectiveName(plan.kind)) + ": ";
}

uint64_t Sum(const std::vector<uint64_t>& v) {
  return std::accumulate(v.begin(), v.end(), uint64_t{0});
}

bool Overlap(const std::byte* a, uint64_t a_bytes, const std::byte* b, uint64_t b_bytes) {
  return a_bytes != 0 && b_bytes != 0 && a < b + b_bytes && b < a + a_bytes;
}

// The calls of one local rank (group rank `rank` of `world`). Element
// offsets become byte offsets here; calls that would move nothing are left
// out (every rank leaves out the same ones, so the group stays matched).
class RankPlanner {
 public:
  // Appends to `calls`, which must outlive the planner.
  RankPlanner(const OpPlan& plan, uint32_t world, const RankIo& io, uint32_t rank,
              std::vector<NcclCall>* calls, const NcclPlanOptions& options = {})
      : plan_(plan),
        world_(world),
        io_(io),
        rank_(rank),
        elem_(DataTypeSize(plan.dtype)),
        calls_(calls),
        options_(options) {}

  // Every kind but the point-to-point ones and barrier.
  Status Plan() {
    const uint64_t c = plan_.count;
    switch (plan_.kind) {
      case CollectiveKind::kAllReduce:
        return Collective(Kind::kAllReduce, io_.in, io_.out, c);
      case CollectiveKind::kAllGather:
        return Collective(Kind::kAllGather, io_.in, io_.out, c);
      case CollectiveKind::kReduceScatter:
        return Collective(Kind::kReduceScatter, io_.in, io_.out, c);
      case CollectiveKind::kReduce:
        // Only the root's recv buffer is used (NCCL ignores the others').
        return Collective(Kind::kReduce, io_.in, rank_ == plan_.root ? io_.out : nullptr,
                          c);
      case CollectiveKind::kBroadcast:
        // Non-roots pass their recv buffer as send (ncclBcast's convention).
        return Collective(Kind::kBroadcast, rank_ == plan_.root ? io_.in : io_.out,
                          io_.out, c);
      case CollectiveKind::kGather:
        return Gather();
      case CollectiveKind::kScatter:
        return Scatter();
      case CollectiveKind::kAllToAll:
        return AllToAll(std::vector<uint64_t>(world_, c),
                        std::vector<uint64_t>(world_, c));
      case CollectiveKind::kAllToAllV:
        return AllToAll(io_.send_counts, io_.recv_counts);
      case CollectiveKind::kAllGatherV:
        return AllGatherV();
      case CollectiveKind::kReduceScatterV:
        return ReduceScatterV();
      case CollectiveKind::kSend:
      case CollectiveKind::kRecv:
      case CollectiveKind::kBarrier:
        break;  // planned by the caller / not plannable
    }
    return InvalidArgument(Prefix(plan_) + "NCCL has no plan for this kind");
  }

  void Send(const std::byte* p, uint64_t count, uint32_t peer) {
    if (count == 0) return;
    NcclCall call = Base(Kind::kSend, count);
    call.send = p;
    call.peer = peer;
    calls_->push_back(call);
  }
  void Recv(std::byte* p, uint64_t count, uint32_t peer) {
    if (count == 0) return;
    NcclCall call = Base(Kind::kRecv, count);
    call.recv = p;
    call.peer = peer;
    calls_->push_back(call);
  }

 private:
  NcclCall Base(Kind kind, uint64_t count) const {
    NcclCall call;
    call.kind = kind;
    call.count = count;
    call.dtype = plan_.dtype;
    call.op = plan_.op;
    return call;
  }

  Status Collective(Kind kind, const std::byte* send, std::byte* recv, uint64_t count,
                    uint32_t root) {
    if (count == 0) return Status::Ok();
    NcclCall call = Base(kind, count);
    call.send = send;
    call.recv = recv;
    call.root = root;
    calls_->push_back(call);
    return Status::Ok();
  }
  Status Collective(Kind kind, const std::byte* send, std::byte* recv, uint64_t count) {
    return Collective(kind, send, recv, count, plan_.root);
  }

  // This rank's own block from `src` to `dst`: nothing when in place, else a
  // send to itself and the matching receive.
  void SelfCopy(const std::byte* src, std::byte* dst, uint64_t count) {
    if (src == dst) return;
    Send(src, count, rank_);
    Recv(dst, count, rank_);
  }

  Status Gather() {
    const uint64_t c = plan_.count;
    if (rank_ != plan_.root) {
      Send(io_.in, c, plan_.root);
      return Status::Ok();
    }
    for (uint32_t s = 0; s < world_; ++s) {
      if (s == rank_) {
        SelfCopy(io_.in, io_.out + s * c * elem_, c);
      } else {
        Recv(io_.out + s * c * elem_, c, s);
      }
    }
    return Status::Ok();
  }

  Status Scatter() {
    const uint64_t c = plan_.count;
    if (rank_ != plan_.root) {
      Recv(io_.out, c, plan_.root);
      return Status::Ok();
    }
    for (uint32_t r = 0; r < world_; ++r) {
      if (r == rank_) {
        SelfCopy(io_.in + r * c * elem_, io_.out, c);
      } else {
        Send(io_.in + r * c * elem_, c, r);
      }
    }
    return Status::Ok();
  }

  // Block p of the input goes to rank p; block s of the output comes from
  // rank s. The own block is a send to self.
  Status AllToAll(const std::vector<uint64_t>& send_counts,
                  const std::vector<uint64_t>& recv_counts) {
    if (send_counts.size() != world_ || recv_counts.size() != world_) {
      return InvalidArgument(Prefix(plan_) + "rank " + std::to_string(rank_) + " has " +
                             std::to_string(send_counts.size()) + " send and " +
                             std::to_string(recv_counts.size()) +
                             " recv counts; it needs one per rank (" +
                             std::to_string(world_) + ")");
    }
    if (!options_.all_to_all_from_copy &&
        Overlap(io_.in, Sum(send_counts) * elem_, io_.out, Sum(recv_counts) * elem_)) {
      return FailedPrecondition(
          Prefix(plan_) +
          "in place, grouped NCCL sends and receives would overwrite "
          "blocks not yet sent (NCCL has no in-place all-to-all)");
    }
    uint64_t send_off = 0, recv_off = 0;
    for (uint32_t p = 0; p < world_; ++p) {
      Send(io_.in + send_off * elem_, send_counts[p], p);
      Recv(io_.out + recv_off * elem_, recv_counts[p], p);
      send_off += send_counts[p];
      recv_off += recv_counts[p];
    }
    return Status::Ok();
  }

  Status CheckCounts() const {
    if (plan_.counts.size() == world_) return Status::Ok();
    return InvalidArgument(
        Prefix(plan_) + "counts has " + std::to_string(plan_.counts.size()) +
        " entries; it needs one per rank (" + std::to_string(world_) + ")");
  }

  // One broadcast per block, rooted at its owner (NCCL has no all-gather-v).
  Status AllGatherV() {
    RETURN_IF_ERROR(CheckCounts());
    uint64_t off = 0;
    for (uint32_t b = 0; b < world_; ++b) {
      std::byte* block = io_.out + off * elem_;
      RETURN_IF_ERROR(Collective(Kind::kBroadcast, b == rank_ ? io_.in : block, block,
                                 plan_.counts[b], b));
      off += plan_.counts[b];
    }
    return Status::Ok();
  }

  // One reduce per block to its owner (NCCL has no reduce-scatter-v).
  Status ReduceScatterV() {
    RETURN_IF_ERROR(CheckCounts());
    uint64_t off = 0;
    for (uint32_t b = 0; b < world_; ++b) {
      RETURN_IF_ERROR(Collective(Kind::kReduce, io_.in + off * elem_,
                                 b == rank_ ? io_.out : nullptr, plan_.counts[b], b));
      off += plan_.counts[b];
    }
    return Status::Ok();
  }

  const OpPlan& plan_;
  const uint32_t world_;
  const RankIo& io_;
  const uint32_t rank_;
  const size_t elem_;
  std::vector<NcclCall>* const calls_;
  const NcclPlanOptions options_;
};

// Group ranks of plan.ranks (identity when group_ranks is empty), checked.
StatusOr<std::vector<uint32_t>> GroupRanks(const OpPlan& plan, uint32_t world) {
  const size_t n = plan.ranks.size();
  std::vector<uint32_t> ranks = plan.group_ranks;
  if (ranks.empty()) {
    for (uint32_t i = 0; i < n; ++i) ranks.push_back(i);
  }
  if (ranks.size() != n) {
    return InvalidArgument(Prefix(plan) + "group_ranks has " +
                           std::to_string(ranks.size()) + " entries for " +
                           std::to_string(n) + " ranks");
  }
  std::unordered_set<uint32_t> seen;
  for (size_t i = 0; i < n; ++i) {
    if (ranks[i] >= world || !seen.insert(ranks[i]).second) {
      return InvalidArgument(Prefix(plan) + "group rank " + std::to_string(ranks[i]) +
                             " of entry " + std::to_string(i) +
                             " is out of range or repeated (world " +
                             std::to_string(world) + ")");
    }
    if (plan.ranks[i].gpu < 0) {
      return InvalidArgument(Prefix(plan) + "rank " + std::to_string(ranks[i]) +
                             " has host buffers; NCCL moves device memory only");
    }
  }
  return ranks;
}

Status CheckShape(const OpPlan& plan, uint32_t world) {
  if (plan.ranks.empty()) return InvalidArgument(Prefix(plan) + "plan has no ranks");
  if (plan.kind == CollectiveKind::kBarrier) {
    return InvalidArgument("barrier: NCCL has no barrier; nothing to plan");
  }
  if (DataTypeSize(plan.dtype) == 0) {
    return InvalidArgument(Prefix(plan) + "data type " +
                           std::to_string(static_cast<unsigned>(plan.dtype)) +
                           " has no NCCL equivalent");
  }
  if (IsReduction(plan.kind) &&
      static_cast<unsigned>(plan.op) > static_cast<unsigned>(ReduceOp::kAvg)) {
    return InvalidArgument(Prefix(plan) + "reduce op " +
                           std::to_string(static_cast<unsigned>(plan.op)) +
                           " has no NCCL equivalent");
  }
  if (IsRooted(plan.kind) && plan.root >= world) {
    return InvalidArgument(Prefix(plan) + "root " + std::to_string(plan.root) +
                           " is not a rank of the " + std::to_string(world) +
                           "-rank group");
  }
  const size_t n = plan.ranks.size();
  if (plan.kind == CollectiveKind::kRecv && n != 1) {
    return InvalidArgument(
        "recv: a pair on this node is planned as one send of "
        "{sender, receiver}, got a recv of " +
        std::to_string(n) + " ranks");
  }
  if (plan.kind == CollectiveKind::kSend && n != 1 && n != 2) {
    return InvalidArgument(
        "send: needs ranks {sender, receiver} or, across nodes, "
        "{sender}; got " +
        std::to_string(n) + " ranks");
  }
  return Status::Ok();
}

// kSend of a pair on this node, or one side of a pair across nodes.
Status PlanPointToPoint(const OpPlan& plan, uint32_t world,
                        const std::vector<uint32_t>& ranks,
                        std::vector<NcclRankCalls>* out) {
  const bool pair = plan.ranks.size() == 2;
  const bool sends = plan.kind == CollectiveKind::kSend;
  const uint32_t src = sends ? ranks[0] : plan.peer;
  const uint32_t dst = pair ? ranks[1] : (sends ? plan.peer : ranks[0]);
  if (src >= world || dst >= world || src == dst) {
    return InvalidArgument(Prefix(plan) + "sender " + std::to_string(src) +
                           " and receiver " + std::to_string(dst) +
                           " must be two ranks of the " + std::to_string(world) +
                           "-rank group");
  }
  for (size_t i = 0; i < plan.ranks.size(); ++i) {
    RankPlanner planner(plan, world, plan.ranks[i], ranks[i], &(*out)[i].calls);
    if (sends && i == 0) {
      planner.Send(plan.ranks[i].in, plan.count, dst);
    } else {
      planner.Recv(plan.ranks[i].out, plan.count, src);
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<NcclRankCalls>> PlanNcclCalls(const OpPlan& plan,
                                                   const NcclPlanOptions& options) {
  const uint32_t world =
      plan.world_size != 0 ? plan.world_size : static_cast<uint32_t>(plan.ranks.size());
  RETURN_IF_ERROR(CheckShape(plan, world));
  ASSIGN_OR_RETURN(std::vector<uint32_t> ranks, GroupRanks(plan, world));
  std::vector<NcclRankCalls> out(plan.ranks.size());
  for (uint32_t i = 0; i < out.size(); ++i) {
    out[i].index = i;
    out[i].rank = ranks[i];
  }
  if (IsPointToPoint(plan.kind)) {
    RETURN_IF_ERROR(PlanPointToPoint(plan, world, ranks, &out));
    return out;
  }
  for (uint32_t i = 0; i < out.size(); ++i) {
    RankPlanner planner(plan, world, plan.ranks[i], ranks[i], &out[i].calls, options);
    RETURN_IF_ERROR(planner.Plan());
  }
  return out;
}

uint64_t AllToAllCopyBytes(const OpPlan& plan, const RankIo& io) {
  const size_t elem = DataTypeSize(plan.dtype);
  const uint32_t world =
      plan.world_size != 0 ? plan.world_size : static_cast<uint32_t>(plan.ranks.size());
  uint64_t in = 0, out = 0;
  if (plan.kind == CollectiveKind::kAllToAll) {
    in = out = plan.count * world * elem;
  } else if (plan.kind == CollectiveKind::kAllToAllV) {
    in = Sum(io.send_counts) * elem;
    out = Sum(io.recv_counts) * elem;
  }
  return Overlap(io.in, in, io.out, out) ? in : 0;
}

void RebaseSends(std::vector<NcclCall>& calls, const void* from, uint64_t bytes,
                 const void* to) {
  const auto* lo = static_cast<const std::byte*>(from);
  for (NcclCall& c : calls) {
    const auto* p = static_cast<const std::byte*>(c.send);
    if (c.kind != Kind::kSend || p < lo || p >= lo + bytes) continue;
    c.send = static_cast<const std::byte*>(to) + (p - lo);
  }
}

}  // namespace ccs::cuda
