// GpuBackend: everything the CUDA engine asks of the GPUs, behind one
// interface free of CUDA types, so that the engine's routing, stream order
// and host-staged fallback are unit-tested without a GPU.
//
// The real backend (cuda_gpu_backend.*, CUDA builds only) owns one stream
// per GPU and maps each call onto the CUDA runtime, the daemon's kernels and
// NCCL. Unit tests use a fake (tests/unit/engine/cuda/fake_gpu_backend.h)
// whose "device memory" is host memory, whose stream operations run at once
// and which records what was enqueued, because no GPU runs in CI.
//
// GPUs are indices 0..Gpus()-1 into the daemon's devices (DiscoverDevices
// order), the same index as RankIo::gpu. Events, signal blocks and staging
// memory are opaque pointers owned by the backend.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/nccl_call.h"
#include "kernels/custom_all_reduce.h"

namespace ccs::cuda {

class GpuBackend {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  virtual ~GpuBackend() = default;

  virtual uint32_t Gpus() const = 0;

  // --- Stream operations. Each enqueues on GPU `gpu`'s one stream and
  // returns at enqueue; called only from that GPU's worker thread, after
  // Bind(gpu) ran on it. Errors name the CUDA call and the GPU.

  // Makes `gpu` current on the calling thread (the worker's first call).
  virtual Status Bind(uint32_t gpu) = 0;
  // Later work on the stream waits for `event`'s latest record.
  virtual Status WaitEvent(uint32_t gpu, void* event) = 0;
  virtual Status RecordEvent(uint32_t gpu, void* event) = 0;
  // `bytes` from `src` to `dst`, either side host (pinned staging from
  // AllocateStaging, or shared memory) or device (unified addressing).
  virtual Status Copy(uint32_t gpu, void* dst, const void* src, size_t bytes) = 0;
  // One participant's launch of the daemon's all-reduce kernels.
  virtual Status LaunchAllReduce(uint32_t gpu, const kernels::AllReduceLaunch& launch,
                                 kernels::ArAlgorithm algorithm) = 0;
  // Device memory on `gpu` ordered on its stream (cudaMallocAsync /
  // cudaFreeAsync): usable by work enqueued after AllocateAsync, returned
  // once the work enqueued before FreeAsync completed. For scratch within
  // one op's part.
  virtual StatusOr<void*> AllocateAsync(uint32_t gpu, size_t bytes) = 0;
  virtual Status FreeAsync(uint32_t gpu, void* memory) = 0;
  // One local rank's NCCL calls of one op, grouped, on the communicator of
  // (group_id, rank) (CreateNcclComms), on `gpu`'s stream.
  virtual Status RunNccl(uint32_t gpu, uint64_t group_id, uint32_t rank,
                         std::span<const NcclCall> calls) = 0;

  // --- Host side; thread-safe.

  // An event on `gpu` for the engine's own use (staging). Null on error.
  virtual StatusOr<void*> CreateEvent(uint32_t gpu) = 0;
  virtual void DestroyEvent(uint32_t gpu, void* event) = 0;
  // Blocks until `event`'s latest record completed; DEADLINE_EXCEEDED
  // naming the GPU when `deadline` passes first (polls, never hangs).
  virtual Status WaitEventHost(uint32_t gpu, void* event, Deadline deadline) = 0;

  // A zeroed signal block (kernels::kSignalBytes) on `gpu`.
  virtual StatusOr<void*> AllocateSignal(uint32_t gpu) = 0;
  virtual void FreeSignal(uint32_t gpu, void* signal) = 0;
  // Page-locked host memory for the host-staged path.
  virtual StatusOr<void*> AllocateStaging(size_t bytes) = 0;
  virtual void FreeStaging(void* memory) = 0;

  // --- NCCL. Without a loaded NCCL, NcclVersion() is empty and the calls
  // fail FAILED_PRECONDITION.

  // "2.27.3", or empty when NCCL is not loaded.
  virtual std::string NcclVersion() const = 0;
  // A new NCCL unique id (ncclGetUniqueId), as its raw bytes, for the
  // nodes of a multi-node group to share.
  virtual StatusOr<std::string> NewNcclUniqueId() = 0;
  // Creates communicators for this node's ranks `ranks` of a group of
  // `world` ranks, rank ranks[i] on GPU gpus[i], initialised together,
  // non-blocking, against `deadline`. `unique_id` empty: every rank is here
  // (ranks.size() == world) and the id is made here; else the id every node
  // of the group shares (NewNcclUniqueId on one of them), and the other
  // nodes create theirs at the same time. On failure nothing is kept and
  // the Status names the group and the NCCL error.
  virtual Status CreateNcclComms(uint64_t group_id, const std::string& name, uint32_t world,
                                 std::span<const uint32_t> ranks,
                                 std::span<const uint32_t> gpus, const std::string& unique_id,
                                 Deadline deadline) = 0;
  // OK while every communicator of the group is healthy; else the first
  // asynchronous error, naming the communicator.
  virtual Status PollNccl(uint64_t group_id) = 0;
  // Destroys the group's communicators (ncclCommAbort when `abort`, e.g.
  // after a timeout or an error, else a clean destroy). No-op if none.
  virtual void DestroyNcclComms(uint64_t group_id, bool abort) = 0;
};

}  // namespace ccs::cuda
