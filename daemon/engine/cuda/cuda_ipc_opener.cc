#include "daemon/engine/cuda/cuda_ipc_opener.h"

#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_runtime_api.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <string>

#include "daemon/engine/cuda/cuda_status.h"

namespace ccs::cuda {
namespace {

// The size of the allocation at `base` (cuMemGetAddressRange, reached
// through the runtime: ccsd does not link libcuda, so that it starts
// without a driver); 0 when the driver cannot say.
uint64_t AllocationBytes(void* base) {
  void* fn = nullptr;
  cudaDriverEntryPointQueryResult found = cudaDriverEntryPointSymbolNotFound;
  if (cudaGetDriverEntryPointByVersion("cuMemGetAddressRange", &fn, 12000, cudaEnableDefault,
                                       &found) != cudaSuccess ||
      fn == nullptr || found != cudaDriverEntryPointSuccess) {
    return 0;
  }
  CUdeviceptr start = 0;
  size_t bytes = 0;
  auto get = reinterpret_cast<PFN_cuMemGetAddressRange_v3020>(fn);
  if (get(&start, &bytes, reinterpret_cast<CUdeviceptr>(base)) != CUDA_SUCCESS) return 0;
  return reinterpret_cast<void*>(start) == base ? bytes : 0;
}

class CudaIpcOpener final : public IpcOpener {
 public:
  StatusOr<IpcOpened> Open(int ordinal, const IpcHandleBytes& handle) override {
    const std::string where = "on device " + std::to_string(ordinal);
    RETURN_IF_ERROR(CudaStatus(cudaSetDevice(ordinal), "cudaSetDevice " + where));
    cudaIpcMemHandle_t h;
    static_assert(sizeof(h) == kIpcHandleBytes);
    std::memcpy(&h, handle.data(), sizeof(h));
    IpcOpened opened;
    RETURN_IF_ERROR(
        CudaStatus(cudaIpcOpenMemHandle(&opened.base, h, cudaIpcMemLazyEnablePeerAccess),
                   "cudaIpcOpenMemHandle of a client's buffer " + where));
    opened.bytes = AllocationBytes(opened.base);
    if (opened.bytes == 0) {
      spdlog::warn("the CUDA driver did not report the size of a client's allocation {}; "
                   "its registered size is taken on trust", where);
    }
    return opened;
  }

  void Close(int ordinal, void* base) override {
    Status s = CudaStatus(cudaSetDevice(ordinal), "cudaSetDevice");
    // The engine replies at enqueue: work it queued on this allocation may
    // still run. Let it finish before the mapping goes (on the mapping
    // cache's closer thread, never an op's or a registration's path).
    if (s.ok()) s = CudaStatus(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    if (s.ok()) s = CudaStatus(cudaIpcCloseMemHandle(base), "cudaIpcCloseMemHandle");
    if (!s.ok())
      spdlog::warn("closing an IPC mapping on device {}: {}", ordinal, s.ToString());
  }
};

}  // namespace

std::unique_ptr<IpcOpener> MakeCudaIpcOpener() {
  return std::make_unique<CudaIpcOpener>();
}

}  // namespace ccs::cuda
