// The CUDA runtime boundary: cudaError_t -> Status. Only CUDA engine code
// includes this header.
#pragma once

#include <cuda_runtime_api.h>

#include <string_view>

#include "daemon/core/status.h"

namespace ccs::cuda {

// OK for cudaSuccess; else "<what>: <cudaGetErrorName> (<cudaGetErrorString>)"
// with RESOURCE_EXHAUSTED for out-of-memory, FAILED_PRECONDITION for a
// missing or too old driver or no device, INVALID_ARGUMENT for invalid
// values and handles, INTERNAL otherwise.
Status CudaStatus(cudaError_t err, std::string_view what);

}  // namespace ccs::cuda
