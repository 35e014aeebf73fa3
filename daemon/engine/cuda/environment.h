// What the CUDA engine finds at ccsd startup, logged once: the NCCL library
// (path and version, from nccl_library), the visible GPUs by UUID and PCI
// bus id, and the verified P2P matrix between them. Never fails: a CUDA
// build on a machine without a GPU or NCCL logs why and serves host memory.
//
// Two implementations, chosen by CMake: environment_cuda.cc (CUDA builds)
// and environment_none.cc (logs that this ccsd was built without CUDA).
#pragma once

#include <string>

namespace ccs::cuda {

// Logs the environment; returns the loaded NCCL's version ("2.28.9"), or ""
// when NCCL did not load (or this ccsd was built without CUDA). Blocks for
// the library load and device discovery (milliseconds).
std::string LogCudaEnvironment(const std::string& nccl_library);

}  // namespace ccs::cuda
