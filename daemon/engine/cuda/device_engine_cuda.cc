#include <spdlog/spdlog.h>

#include "daemon/engine/cuda/cuda_environment.h"
#include "daemon/engine/cuda/cuda_gpu_backend.h"
#include "daemon/engine/cuda/device_engine.h"
#include "daemon/engine/cuda/device_engine_setup.h"

namespace ccs::cuda {

StatusOr<std::unique_ptr<Engine>> OpenDeviceEngine(Engine* host,
                                                   const DeviceEngineConfig& config) {
  const CudaEnvironment& env = DiscoverCudaEnvironment(config.nccl_library);
  RETURN_IF_ERROR(env.devices.status());
  const NcclLibrary* nccl = env.nccl.ok() ? env.nccl.value().get() : nullptr;
  if (nccl == nullptr) {
    spdlog::warn("cuda engine: no NCCL path ({}); ops NCCL would run go host-staged",
                 env.nccl.status().message());
  }
  DeviceEngineOptions options;
  options.thresholds = config.thresholds;
  options.on_group_failure = config.on_group_failure;
  options.p2p = env.p2p;
  ASSIGN_OR_RETURN(std::unique_ptr<GpuBackend> backend, MakeCudaGpuBackend(*env.devices, nccl));
  spdlog::info("cuda engine: {} GPU(s), NCCL {}", env.devices->size(),
               nccl != nullptr ? nccl->version() : std::string("not loaded"));
  return MakeDeviceEngine(std::move(backend), host, std::move(options));
}

}  // namespace ccs::cuda
