#include <spdlog/spdlog.h>

#include "daemon/engine/cuda/cuda_devices.h"
#include "daemon/engine/cuda/cuda_gpu_backend.h"
#include "daemon/engine/cuda/device_engine.h"
#include "daemon/engine/cuda/device_engine_setup.h"
#include "daemon/engine/cuda/nccl_library.h"

namespace ccs::cuda {

StatusOr<std::unique_ptr<Engine>> OpenDeviceEngine(Engine* host,
                                                   const DeviceEngineConfig& config) {
  ASSIGN_OR_RETURN(std::vector<LocalDevice> devices, DiscoverDevices());
  // NCCL stays loaded for the life of the process (never dlclosed).
  static StatusOr<std::unique_ptr<NcclLibrary>> nccl = NcclLibrary::Load(config.nccl_library);
  if (!nccl.ok()) {
    spdlog::warn("cuda engine: no NCCL path ({}); ops NCCL would run go host-staged",
                 nccl.status().message());
  }
  DeviceEngineOptions options;
  options.thresholds = config.thresholds;
  options.on_group_failure = config.on_group_failure;
  options.p2p = ProbeP2p(devices, nullptr);
  ASSIGN_OR_RETURN(std::unique_ptr<GpuBackend> backend,
                   MakeCudaGpuBackend(devices, nccl.ok() ? nccl.value().get() : nullptr));
  spdlog::info("cuda engine: {} GPU(s), NCCL {}", devices.size(),
               nccl.ok() ? nccl.value()->version() : std::string("not loaded"));
  return MakeDeviceEngine(std::move(backend), host, std::move(options));
}

}  // namespace ccs::cuda
