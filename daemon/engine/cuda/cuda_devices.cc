#include "daemon/engine/cuda/cuda_devices.h"

#include <cuda_runtime_api.h>

#include <cstring>

#include "daemon/engine/cuda/cuda_status.h"
#include "kernels/p2p_probe.h"

namespace ccs::cuda {

StatusOr<std::vector<LocalDevice>> DiscoverDevices() {
  int count = 0;
  Status s = CudaStatus(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
  if (!s.ok()) return FailedPrecondition("no usable CUDA device: " + s.message());
  if (count == 0) return FailedPrecondition("no usable CUDA device: none visible");
  std::vector<LocalDevice> devices;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop;
    RETURN_IF_ERROR(CudaStatus(cudaGetDeviceProperties(&prop, i),
                               "cudaGetDeviceProperties of device " + std::to_string(i)));
    LocalDevice d;
    d.ordinal = i;
    static_assert(sizeof(prop.uuid.bytes) == 16);
    std::memcpy(d.uuid.bytes.data(), prop.uuid.bytes, 16);
    d.pci.domain = static_cast<uint32_t>(prop.pciDomainID);
    d.pci.bus = static_cast<uint8_t>(prop.pciBusID);
    d.pci.device = static_cast<uint8_t>(prop.pciDeviceID);
    devices.push_back(d);
  }
  return devices;
}

P2pMatrix ProbeP2p(const std::vector<LocalDevice>& devices,
                   std::vector<std::string>* failures) {
  P2pMatrix m(static_cast<uint32_t>(devices.size()));
  for (size_t r = 0; r < devices.size(); ++r) {
    for (size_t o = 0; o < devices.size(); ++o) {
      if (r == o) continue;
      Status s = kernels::ProbePeerAccess(devices[r].ordinal, devices[o].ordinal);
      m.Set(static_cast<uint32_t>(r), static_cast<uint32_t>(o), s.ok());
      if (!s.ok() && failures != nullptr) failures->push_back(s.ToString());
    }
  }
  return m;
}

std::string DeviceName(int ordinal) {
  cudaDeviceProp prop;
  if (cudaGetDeviceProperties(&prop, ordinal) != cudaSuccess) return "";
  return prop.name;
}

}  // namespace ccs::cuda
