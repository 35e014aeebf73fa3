#include "daemon/engine/cuda/device_buffers.h"

namespace ccs::cuda {

namespace {

Status BuiltWithoutCuda() {
  return Unimplemented(
      "this ccsd was built without CUDA (CCS_WITH_CUDA=OFF, or no nvcc or nccl.h at "
      "build time)");
}

}  // namespace

StatusOr<std::unique_ptr<DeviceBufferMapper>> OpenDeviceBuffers() {
  return BuiltWithoutCuda();
}

StatusOr<std::unique_ptr<StreamTable>> OpenStreamTable(std::vector<LocalDevice>) {
  return BuiltWithoutCuda();
}

}  // namespace ccs::cuda
