#include <spdlog/spdlog.h>

#include "daemon/engine/cuda/cuda_devices.h"
#include "daemon/engine/cuda/cuda_environment.h"
#include "daemon/engine/cuda/environment.h"

namespace ccs::cuda {

std::string LogCudaEnvironment(const std::string& nccl_library) {
  const CudaEnvironment& env = DiscoverCudaEnvironment(nccl_library);
  std::string version;
  if (env.nccl.ok()) {
    const NcclLibrary& nccl = *env.nccl.value();
    version = nccl.version();
    spdlog::info("cuda: NCCL {} loaded from {} (nccl_library={})", nccl.version(),
                 nccl.loaded_path(), nccl_library);
  } else {
    spdlog::warn("cuda: NCCL unavailable: {}", env.nccl.status().message());
  }
  if (!env.devices.ok()) {
    spdlog::info("cuda: {}; device buffers are refused", env.devices.status().message());
    return version;
  }
  for (const LocalDevice& d : *env.devices) {
    spdlog::info("cuda: device {} {} {} {}", d.ordinal, FormatDeviceUuid(d.uuid),
                 FormatPciBusId(d.pci), DeviceName(d.ordinal));
  }
  for (const std::string& f : env.p2p_failures) spdlog::info("cuda: {}", f);
  if (env.devices->size() > 1) {
    // One line per reader GPU: JSON log lines must not contain newlines.
    std::string rows = env.p2p.Describe();
    for (size_t at = 0, nl; (nl = rows.find('\n', at)) != std::string::npos;
         at = nl + 1) {
      spdlog::info("cuda: verified P2P, reader {}", rows.substr(at, nl - at));
    }
  }
  return version;
}

}  // namespace ccs::cuda
