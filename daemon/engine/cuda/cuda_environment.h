// CudaEnvironment: what ccsd finds of CUDA once per process (the GPUs, the
// NCCL library, the verified P2P matrix), shared by the startup log
// (environment_cuda.cc) and the device engine (device_engine_cuda.cc), so
// the library is loaded and the P2P probe runs once, and the NCCL version
// ccsd reports is the one its engine uses. CUDA builds only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_id.h"
#include "daemon/engine/cuda/nccl_library.h"
#include "daemon/engine/cuda/p2p_matrix.h"

namespace ccs::cuda {

struct CudaEnvironment {
  StatusOr<std::vector<LocalDevice>> devices = Unavailable("not discovered");
  // Loaded for the life of the process (never dlclosed).
  StatusOr<std::unique_ptr<NcclLibrary>> nccl = Unavailable("not loaded");
  P2pMatrix p2p;                          // empty without devices
  std::vector<std::string> p2p_failures;  // why pairs were not verified
};

// Discovers the environment on the first call, from `nccl_library`; later
// calls return the same one (their argument is not looked at). Thread-safe.
const CudaEnvironment& DiscoverCudaEnvironment(const std::string& nccl_library);

}  // namespace ccs::cuda
