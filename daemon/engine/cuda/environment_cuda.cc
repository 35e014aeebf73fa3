#include <spdlog/spdlog.h>

#include "daemon/engine/cuda/cuda_devices.h"
#include "daemon/engine/cuda/environment.h"
#include "daemon/engine/cuda/nccl_library.h"

namespace ccs::cuda {

std::string LogCudaEnvironment(const std::string& nccl_library) {
  auto nccl = NcclLibrary::Load(nccl_library);
  std::string version;
  if (nccl.ok()) {
    version = (*nccl)->version();
    spdlog::info("cuda: NCCL {} loaded from {} (nccl_library={})", (*nccl)->version(),
                 (*nccl)->loaded_path(), nccl_library);
  } else {
    spdlog::warn("cuda: NCCL unavailable: {}", nccl.status().message());
  }
  auto devices = DiscoverDevices();
  if (!devices.ok()) {
    spdlog::info("cuda: {}; device buffers are refused", devices.status().message());
    return version;
  }
  for (const LocalDevice& d : *devices) {
    spdlog::info("cuda: device {} {} {} {}", d.ordinal, FormatDeviceUuid(d.uuid),
                 FormatPciBusId(d.pci), DeviceName(d.ordinal));
  }
  std::vector<std::string> failures;
  P2pMatrix p2p = ProbeP2p(*devices, &failures);
  for (const std::string& f : failures) spdlog::info("cuda: {}", f);
  if (devices->size() > 1) {
    // One line per reader GPU: JSON log lines must not contain newlines.
    std::string rows = p2p.Describe();
    for (size_t at = 0, nl; (nl = rows.find('\n', at)) != std::string::npos;
         at = nl + 1) {
      spdlog::info("cuda: verified P2P, reader {}", rows.substr(at, nl - at));
    }
  }
  return version;
}

}  // namespace ccs::cuda
