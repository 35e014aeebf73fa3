// A host simulator of NCCL for planned NcclCalls: runs the calls of every
// rank of a group, each rank's list as one ncclGroupStart/ncclGroupEnd, over
// host memory (the "device addresses" are host pointers).
//
// NCCL's rules, checked before anything is written:
// - collectives: the k-th collective of every rank must be the same (kind,
//   count, dtype, op, root);
// - point-to-point: the k-th send from s to d matches the k-th recv on d
//   from s, with the same count and dtype; every send and recv is matched;
// - inside one rank's group, the calls run concurrently: no call may write
//   what another call reads or writes, and a call's own send and recv may
//   overlap only in NCCL's in-place position (all_reduce, reduce,
//   broadcast: equal; all_gather: send at the rank's block of recv;
//   reduce_scatter: recv at the rank's block of send).
// Reductions accumulate in rank order 0..N-1 with the host engine's
// kernels, so results equal a rank-order reference bit for bit.
#pragma once

#include <span>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/nccl_call.h"

namespace ccs::cuda::testing {

// `calls[r]` is group rank r's list (world = calls.size()). INVALID_ARGUMENT
// naming the rule a plan breaks (then nothing was written).
Status SimulateNccl(std::span<const std::vector<NcclCall>> calls);

}  // namespace ccs::cuda::testing
