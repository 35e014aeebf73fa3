// The GpuBackend of the daemon's GPUs: the CUDA runtime, the daemon's
// all-reduce kernels and the loaded NCCL. CUDA builds only; only the CUDA
// engine's wiring includes this header.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_id.h"
#include "daemon/engine/cuda/gpu_backend.h"
#include "daemon/engine/cuda/nccl_library.h"

namespace ccs::cuda {

// GPU i of the backend is devices[i] (DiscoverDevices order). Creates one
// non-blocking stream per GPU (cudaStreamNonBlocking: no implicit sync with
// the legacy default stream); the calling thread's current device is left
// as it was. `nccl` may be null (no NCCL: its calls fail
// FAILED_PRECONDITION); it must outlive the backend. Errors name the CUDA
// call and the GPU (without a driver or device: FAILED_PRECONDITION).
//
// Bounds of its own: RunNccl waits at most kNcclEnqueueTimeout for NCCL to
// accept a group of calls (DEADLINE_EXCEEDED; the caller then destroys the
// group's communicators with abort), and a clean DestroyNcclComms waits at
// most kNcclFinalizeTimeout before it aborts. The destructor aborts the
// communicators still held.
StatusOr<std::unique_ptr<GpuBackend>> MakeCudaGpuBackend(std::vector<LocalDevice> devices,
                                                         const NcclLibrary* nccl);

inline constexpr std::chrono::seconds kNcclEnqueueTimeout{60};
inline constexpr std::chrono::seconds kNcclFinalizeTimeout{10};

}  // namespace ccs::cuda
