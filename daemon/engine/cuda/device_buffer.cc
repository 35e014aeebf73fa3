#include "daemon/engine/cuda/device_buffer.h"

#include <algorithm>
#include <string>

namespace ccs::cuda {

StatusOr<IpcHandleBytes> IpcHandleFromBytes(std::string_view raw, std::string_view what) {
  IpcHandleBytes handle{};
  if (raw.size() != handle.size()) {
    return InvalidArgument(
        std::string(what) + " must be " + std::to_string(kIpcHandleBytes) +
        " bytes (a CUDA IPC handle), got " + std::to_string(raw.size()));
  }
  std::copy(raw.begin(), raw.end(), reinterpret_cast<char*>(handle.data()));
  if (std::all_of(handle.begin(), handle.end(), [](uint8_t b) { return b == 0; })) {
    return InvalidArgument(std::string(what) +
                           " is all zero; pass the bytes of "
                           "cudaIpcGetMemHandle / cudaIpcGetEventHandle");
  }
  return handle;
}

Status ValidateDeviceBuffer(const DeviceBufferDesc& d) {
  if (d.device.IsZero()) return InvalidArgument("device buffer: device UUID is not set");
  if (d.alloc_size == 0) return InvalidArgument("device buffer: alloc_size is 0");
  if (d.size_bytes == 0) return InvalidArgument("device buffer: size_bytes is 0");
  if (d.alloc_offset > d.alloc_size || d.size_bytes > d.alloc_size - d.alloc_offset) {
    return InvalidArgument(
        "device buffer: range [" + std::to_string(d.alloc_offset) + ", +" +
        std::to_string(d.size_bytes) + ") does not fit in its allocation of " +
        std::to_string(d.alloc_size) + " bytes on " + FormatDeviceUuid(d.device));
  }
  return Status::Ok();
}

}  // namespace ccs::cuda
