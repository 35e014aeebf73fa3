#include "daemon/engine/cuda/cuda_ipc_opener.h"

#include <cuda_runtime_api.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <string>

#include "daemon/engine/cuda/cuda_status.h"

namespace ccs::cuda {
namespace {

class CudaIpcOpener final : public IpcOpener {
 public:
  StatusOr<void*> Open(int ordinal, const IpcHandleBytes& handle) override {
    const std::string where = "on device " + std::to_string(ordinal);
    RETURN_IF_ERROR(CudaStatus(cudaSetDevice(ordinal), "cudaSetDevice " + where));
    cudaIpcMemHandle_t h;
    static_assert(sizeof(h) == kIpcHandleBytes);
    std::memcpy(&h, handle.data(), sizeof(h));
    void* base = nullptr;
    RETURN_IF_ERROR(
        CudaStatus(cudaIpcOpenMemHandle(&base, h, cudaIpcMemLazyEnablePeerAccess),
                   "cudaIpcOpenMemHandle of a client's buffer " + where));
    return base;
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
