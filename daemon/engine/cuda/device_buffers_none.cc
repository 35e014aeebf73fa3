#include "daemon/engine/cuda/device_buffers.h"

namespace ccs::cuda {

StatusOr<std::unique_ptr<DeviceBufferMapper>> OpenDeviceBuffers() {
  return Unimplemented(
      "this ccsd was built without CUDA (CCS_WITH_CUDA=OFF, or no nvcc or nccl.h at "
      "build "
      "time)");
}

}  // namespace ccs::cuda
