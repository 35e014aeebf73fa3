#include "daemon/engine/cuda/cuda_status.h"

#include <string>

namespace ccs::cuda {

Status CudaStatus(cudaError_t err, std::string_view what) {
  if (err == cudaSuccess) return Status::Ok();
  std::string text = std::string(what) + ": " + cudaGetErrorName(err) + " (" +
                     cudaGetErrorString(err) + ")";
  switch (err) {
    case cudaErrorMemoryAllocation:
      return ResourceExhausted(text);
    case cudaErrorInsufficientDriver:
    case cudaErrorNoDevice:
    case cudaErrorInitializationError:
      return FailedPrecondition(text);
    case cudaErrorInvalidValue:
    case cudaErrorInvalidResourceHandle:
    case cudaErrorInvalidDevice:
    case cudaErrorMapBufferObjectFailed:
      return InvalidArgument(text);
    default:
      return Internal(text);
  }
}

}  // namespace ccs::cuda
