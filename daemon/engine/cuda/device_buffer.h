// A device buffer as a client registers it: a CUDA IPC memory handle of the
// allocation's base (cudaIpcGetMemHandle only exports whole allocations),
// where the registered range starts inside that allocation, and the GPU it
// lives on by UUID. The wire form is ccs.v1.CudaIpcBuffer (buffer.proto);
// daemon/server/convert.* maps it to this type. No CUDA types: handles are
// their 64 opaque bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_id.h"

namespace ccs::cuda {

// CUDA_IPC_HANDLE_SIZE: cudaIpcMemHandle_t and cudaIpcEventHandle_t.
inline constexpr size_t kIpcHandleBytes = 64;
using IpcHandleBytes = std::array<uint8_t, kIpcHandleBytes>;

// StatusOr of the handle from raw wire bytes: INVALID_ARGUMENT naming
// `what` unless exactly 64 bytes, not all zero.
StatusOr<IpcHandleBytes> IpcHandleFromBytes(std::string_view raw, std::string_view what);

struct DeviceBufferDesc {
  IpcHandleBytes mem_handle{};
  // The registered range: [alloc_offset, alloc_offset + size_bytes) of an
  // allocation of alloc_size bytes (cuMemGetAddressRange on the client).
  uint64_t alloc_offset = 0;
  uint64_t alloc_size = 0;
  uint64_t size_bytes = 0;
  DeviceUuid device;
};

// An IPC-exportable event of a client stream (ccs.v1.CudaIpcEvent),
// registered once and recorded per op.
struct IpcEventDesc {
  IpcHandleBytes handle{};
  DeviceUuid device;
};

// INVALID_ARGUMENT naming the field: zero sizes, a zero UUID, or a range
// that does not lie inside the allocation (overflow-safe).
Status ValidateDeviceBuffer(const DeviceBufferDesc& desc);

}  // namespace ccs::cuda
