#include "daemon/engine/cuda/cuda_environment.h"

#include "daemon/engine/cuda/cuda_devices.h"

namespace ccs::cuda {

const CudaEnvironment& DiscoverCudaEnvironment(const std::string& nccl_library) {
  static const CudaEnvironment env = [&] {
    CudaEnvironment e;
    e.nccl = NcclLibrary::Load(nccl_library);
    e.devices = DiscoverDevices();
    if (e.devices.ok()) e.p2p = ProbeP2p(*e.devices, &e.p2p_failures);
    return e;
  }();
  return env;
}

}  // namespace ccs::cuda
