#include "daemon/engine/cuda/device_engine_setup.h"

namespace ccs::cuda {

StatusOr<std::unique_ptr<Engine>> OpenDeviceEngine(Engine* /*host*/,
                                                   const DeviceEngineConfig& /*config*/) {
  return Unimplemented("this ccsd was built without CUDA");
}

}  // namespace ccs::cuda
