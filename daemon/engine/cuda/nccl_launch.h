// Enqueues one local rank's planned NcclCalls (nccl_call.h) on a stream
// through the loaded NCCL, as one NCCL group. Only the CUDA engine includes
// this header.
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <chrono>
#include <span>
#include <string>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/nccl_call.h"
#include "daemon/engine/cuda/nccl_comm.h"
#include "daemon/engine/cuda/nccl_library.h"

namespace ccs::cuda {

// Maps every call's dtype and op first (nothing is enqueued when one has no
// NCCL equivalent: INVALID_ARGUMENT, or UNIMPLEMENTED for avg before NCCL
// 2.10), then ncclGroupStart, one NCCL call each, ncclGroupEnd on `comm`
// and `stream` (whose device must be current). `comm` is non-blocking: when
// the group answers ncclInProgress, its asynchronous state is polled until
// the calls are enqueued, up to `enqueue_deadline` (DEADLINE_EXCEEDED: the
// peers never issued theirs; the caller aborts the communicator). Every
// use of `comm` goes through NcclComm::Use, so an Abort from another thread
// meanwhile ends the wait with ABORTED instead of freeing the communicator
// under it. Returns at enqueue. Errors name the NCCL call and `what` (the
// rank and GPU).
Status EnqueueNcclCalls(const NcclLibrary& nccl, const NcclComm& comm, cudaStream_t stream,
                        std::span<const NcclCall> calls, const std::string& what,
                        std::chrono::steady_clock::time_point enqueue_deadline);

}  // namespace ccs::cuda
