// What the SDK needs from CUDA to register a device buffer: the IPC handle
// of the allocation that holds a device pointer, where the pointer lies in
// it, and the GPU by UUID. Two implementations, chosen by CMake:
// device_export_cuda.cc (the SDK built with CUDA) and device_export_none.cc
// (without: every call throws UNIMPLEMENTED). No CUDA types here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ccs {

// The fields of ccs.v1.CudaIpcBuffer.
struct DeviceExport {
  std::string mem_handle;  // the 64 bytes of cudaIpcMemHandle_t of the base
  uint64_t alloc_offset = 0;
  uint64_t alloc_size = 0;
  std::string device_uuid;  // the 16 bytes of cudaDeviceProp::uuid
  std::string pci_bus_id;   // "0000:3b:00.0"
  int ordinal = -1;         // the device's ordinal in this process
};

// Exports [ptr, ptr + bytes): cudaPointerGetAttributes (must be device
// memory), cuMemGetAddressRange (through the runtime's driver entry point:
// the SDK does not link libcuda), cudaIpcGetMemHandle on the base,
// cudaGetDeviceProperties for the UUID. Does not change the calling thread's
// current device. Throws Error: INVALID_ARGUMENT for a null pointer, zero
// bytes, host memory or a range past the allocation; FAILED_PRECONDITION
// naming the CUDA call and error when CUDA fails (no driver, no device);
// UNIMPLEMENTED when the SDK was built without CUDA.
DeviceExport ExportDeviceRange(void* ptr, size_t bytes);

// The 16 bytes of cudaDeviceProp::uuid of device `ordinal` of this process.
// Throws Error: FAILED_PRECONDITION naming the CUDA error; UNIMPLEMENTED
// without CUDA.
std::string DeviceUuidOf(int ordinal);

}  // namespace ccs
