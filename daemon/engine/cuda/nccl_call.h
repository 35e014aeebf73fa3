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
  uint64_t count = 0;          // elements of `dtype`, as NCCL counts them
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
// of plan.ranks: the collectives NCCL has natively, and gather, scatter,
// all_to_all, the v-variants and point-to-point as grouped send/recv.
// INVALID_ARGUMENT naming the kind for a plan NCCL cannot express
// (barrier: none; an empty rank list).
StatusOr<std::vector<NcclRankCalls>> PlanNcclCalls(const OpPlan& plan);

}  // namespace ccs::cuda
