// NcclCall: one NCCL primitive call of one local rank, as the CUDA engine
// plans it from an OpPlan; no NCCL or CUDA types, so planning is unit-tested
// without a GPU. The CUDA backend maps each call onto the loaded library
// (nccl_library.h) inside one ncclGroupStart/ncclGroupEnd per rank and op.
#pragma once

#include <cstdint>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/core/types.h"
#include "daemon/engine/engine.h"

namespace ccs::cuda {

struct NcclCall {
  enum class Kind : uint8_t {
    kAllReduce,
    kAllGather,
    kReduceScatter,
    kReduce,
    kBroadcast,
    kSend,
    kRecv,
  };
  Kind kind = Kind::kAllReduce;
  const void* send = nullptr;  // device address valid in the daemon
  void* recv = nullptr;
  uint64_t count = 0;  // elements of `dtype`, as NCCL counts them
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint32_t root = 0;  // reduce, broadcast: group rank
  uint32_t peer = 0;  // send, recv: group rank
};

// The calls of one local rank of an op.
struct NcclRankCalls {
  uint32_t index = 0;  // into plan.ranks
  uint32_t rank = 0;   // group rank (plan.group_ranks[index])
  std::vector<NcclCall> calls;
};

// Plans `plan` (every rank on a GPU) as NCCL primitives, one list per entry
// of plan.ranks: the collectives NCCL has natively; gather, scatter,
// all_to_all(_v) and point-to-point as grouped send/recv (a rank's own
// block as a send to itself, none when in place); all_gather_v as one
// broadcast per block and reduce_scatter_v as one reduce per block, rooted
// at the block's owner. Calls that would move nothing (zero counts) are
// left out, the same ones on every rank.
//
// Ranks: plan.group_ranks (empty: plan.ranks is the whole group in rank
// order), plan.world_size (0: plan.ranks.size()); plan.root and plan.peer
// are group ranks. The lists of all ranks of the group, run grouped per
// rank, compute engine.h's semantics (up to NCCL's reduction order and
// float rounding); a multi-node group's nodes plan their own ranks alone.
// Where NCCL ignores a buffer (a non-root's reduce recv) it is null.
//
// Errors: INVALID_ARGUMENT naming the kind for a plan NCCL cannot express
// or a malformed one (barrier; no ranks; host buffers; group ranks, root,
// peer or count arrays that do not fit the world); FAILED_PRECONDITION for
// a valid op NCCL cannot run as planned (all_to_all in place, unless
// options allow it).
struct NcclPlanOptions {
  // All_to_all(_v) ranks whose input overlaps their output (NCCL has no
  // in-place all-to-all): false, FAILED_PRECONDITION; true, planned as if
  // the input were apart, and the caller copies each such rank's input to
  // scratch first and moves its sends there (RebaseSends).
  bool all_to_all_from_copy = false;
};
StatusOr<std::vector<NcclRankCalls>> PlanNcclCalls(const OpPlan& plan,
                                                   const NcclPlanOptions& options = {});

// Bytes of `io`'s all_to_all(_v) input when it overlaps its output (the
// ranks NcclPlanOptions::all_to_all_from_copy is about); 0 otherwise, and
// for every other kind.
uint64_t AllToAllCopyBytes(const OpPlan& plan, const RankIo& io);

// Moves the sends of `calls` that read [from, from + bytes) to the same
// offsets in `to`.
void RebaseSends(std::vector<NcclCall>& calls, const void* from, uint64_t bytes,
                 const void* to);

}  // namespace ccs::cuda
