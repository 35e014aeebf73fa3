#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_runtime_api.h>

#include <string>

#include "ccs/error.h"
#include "client/src/device_export.h"

namespace ccs {
namespace {

// The one place CUDA errors become Errors: FAILED_PRECONDITION naming the
// call and the CUDA error.
void Check(cudaError_t e, const std::string& call) {
  if (e == cudaSuccess) return;
  throw Error(Code::kFailedPrecondition, call + " failed: " + cudaGetErrorName(e) + " (" +
                                             cudaGetErrorString(e) + ")");
}

// cuMemGetAddressRange through the runtime (the SDK does not link libcuda).
void AddressRange(const void* ptr, CUdeviceptr* base, size_t* size) {
  void* fn = nullptr;
  cudaDriverEntryPointQueryResult found = cudaDriverEntryPointSymbolNotFound;
  Check(cudaGetDriverEntryPointByVersion("cuMemGetAddressRange", &fn, 12000,
                                         cudaEnableDefault, &found),
        "cudaGetDriverEntryPointByVersion(cuMemGetAddressRange)");
  if (fn == nullptr || found != cudaDriverEntryPointSuccess) {
    throw Error(Code::kFailedPrecondition, "the CUDA driver has no cuMemGetAddressRange");
  }
  auto get = reinterpret_cast<PFN_cuMemGetAddressRange_v3020>(fn);
  CUresult r = get(base, size, reinterpret_cast<CUdeviceptr>(ptr));
  if (r != CUDA_SUCCESS) {
    throw Error(Code::kFailedPrecondition,
                "cuMemGetAddressRange failed: CUresult " + std::to_string(r));
  }
}

}  // namespace

DeviceExport ExportDeviceRange(void* ptr, size_t bytes) {
  if (ptr == nullptr || bytes == 0) {
    throw Error(Code::kInvalidArgument,
                "a device buffer needs a non-null pointer and bytes > 0");
  }
  cudaPointerAttributes attr{};
  Check(cudaPointerGetAttributes(&attr, ptr), "cudaPointerGetAttributes");
  if (attr.type != cudaMemoryTypeDevice) {
    throw Error(Code::kInvalidArgument,
                "the pointer is not device memory (cudaMemoryType " +
                    std::to_string(static_cast<int>(attr.type)) +
                    "): register memory from cudaMalloc, or host memory as a HostBuffer");
  }
  CUdeviceptr base = 0;
  size_t alloc_size = 0;
  AddressRange(ptr, &base, &alloc_size);
  DeviceExport out;
  out.alloc_offset = reinterpret_cast<CUdeviceptr>(ptr) - base;
  out.alloc_size = alloc_size;
  if (bytes > alloc_size - out.alloc_offset) {
    throw Error(Code::kInvalidArgument, std::to_string(bytes) + " bytes at offset " +
                                            std::to_string(out.alloc_offset) +
                                            " run past the end of their allocation of " +
                                            std::to_string(alloc_size) + " bytes");
  }
  cudaIpcMemHandle_t handle;
  Check(cudaIpcGetMemHandle(&handle, reinterpret_cast<void*>(base)),
        "cudaIpcGetMemHandle");
  out.mem_handle.assign(handle.reserved, sizeof(handle.reserved));
  cudaDeviceProp prop;
  Check(cudaGetDeviceProperties(&prop, attr.device),
        "cudaGetDeviceProperties of device " + std::to_string(attr.device));
  out.device_uuid.assign(prop.uuid.bytes, sizeof(prop.uuid.bytes));
  out.ordinal = attr.device;
  char pci[32] = {};
  if (cudaDeviceGetPCIBusId(pci, sizeof(pci), attr.device) == cudaSuccess)
    out.pci_bus_id = pci;
  return out;
}

std::string DeviceUuidOf(int ordinal) {
  cudaDeviceProp prop;
  Check(cudaGetDeviceProperties(&prop, ordinal),
        "cudaGetDeviceProperties of device " + std::to_string(ordinal));
  return std::string(prop.uuid.bytes, sizeof(prop.uuid.bytes));
}

}  // namespace ccs
