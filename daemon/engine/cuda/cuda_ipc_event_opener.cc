#include "daemon/engine/cuda/cuda_ipc_event_opener.h"

#include <cuda_runtime_api.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <string>

#include "daemon/engine/cuda/cuda_status.h"

namespace ccs::cuda {
namespace {

std::string On(int ordinal) { return " on device " + std::to_string(ordinal); }

// Destroys `event` on `ordinal`; logs `what` on failure.
void Destroy(int ordinal, void* event, const char* what) {
  Status s = CudaStatus(cudaSetDevice(ordinal), "cudaSetDevice" + On(ordinal));
  if (s.ok()) {
    s = CudaStatus(cudaEventDestroy(static_cast<cudaEvent_t>(event)), "cudaEventDestroy");
  }
  if (!s.ok()) spdlog::warn("{}{}: {}", what, On(ordinal), s.ToString());
}

class CudaIpcEventOpener final : public IpcEventOpener {
 public:
  StatusOr<void*> OpenEvent(int ordinal, const IpcHandleBytes& handle) override {
    RETURN_IF_ERROR(CudaStatus(cudaSetDevice(ordinal), "cudaSetDevice" + On(ordinal)));
    cudaIpcEventHandle_t h;
    static_assert(sizeof(h) == kIpcHandleBytes);
    std::memcpy(&h, handle.data(), sizeof(h));
    cudaEvent_t event = nullptr;
    RETURN_IF_ERROR(
        CudaStatus(cudaIpcOpenEventHandle(&event, h),
                   "cudaIpcOpenEventHandle of a client's event" + On(ordinal)));
    return static_cast<void*>(event);
  }

  void CloseEvent(int ordinal, void* event) override {
    Destroy(ordinal, event, "closing a client's IPC event");
  }

  StatusOr<ExportedEvent> CreateEvent(int ordinal) override {
    RETURN_IF_ERROR(CudaStatus(cudaSetDevice(ordinal), "cudaSetDevice" + On(ordinal)));
    cudaEvent_t event = nullptr;
    RETURN_IF_ERROR(CudaStatus(
        cudaEventCreateWithFlags(&event, cudaEventInterprocess | cudaEventDisableTiming),
        "cudaEventCreateWithFlags(interprocess) of a stream's daemon event" +
            On(ordinal)));
    cudaIpcEventHandle_t h;
    Status exported =
        CudaStatus(cudaIpcGetEventHandle(&h, event),
                   "cudaIpcGetEventHandle of a stream's daemon event" + On(ordinal));
    if (!exported.ok()) {
      Destroy(ordinal, event, "destroying an unexported daemon event");
      return exported;
    }
    ExportedEvent out;
    out.event = static_cast<void*>(event);
    static_assert(sizeof(h) == kIpcHandleBytes);
    std::memcpy(out.handle.data(), &h, sizeof(h));
    return out;
  }

  void DestroyEvent(int ordinal, void* event) override {
    Destroy(ordinal, event, "destroying a stream's daemon event");
  }
};

}  // namespace

std::unique_ptr<IpcEventOpener> MakeCudaStreamEventOpener() {
  return std::make_unique<CudaIpcEventOpener>();
}

}  // namespace ccs::cuda
