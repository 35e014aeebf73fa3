#include "daemon/engine/cuda/cuda_devices.h"
#include "daemon/engine/cuda/cuda_ipc_event_opener.h"
#include "daemon/engine/cuda/cuda_ipc_opener.h"
#include "daemon/engine/cuda/device_buffers.h"

namespace ccs::cuda {

StatusOr<std::unique_ptr<DeviceBufferMapper>> OpenDeviceBuffers() {
  ASSIGN_OR_RETURN(std::vector<LocalDevice> devices, DiscoverDevices());
  return std::make_unique<DeviceBufferMapper>(MakeCudaIpcOpener(), std::move(devices));
}

StatusOr<std::unique_ptr<StreamTable>> OpenStreamTable(std::vector<LocalDevice> devices) {
  return std::make_unique<StreamTable>(MakeCudaStreamEventOpener(), std::move(devices));
}

}  // namespace ccs::cuda
