#include <cuda_runtime_api.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "ccs/error.h"
#include "client/src/stream_event_api.h"

namespace ccs {
namespace {

// The one place these CUDA errors become Errors.
void Check(cudaError_t e, const std::string& call) {
  if (e == cudaSuccess) return;
  throw Error(Code::kFailedPrecondition, call + " failed: " + cudaGetErrorName(e) + " (" +
                                             cudaGetErrorString(e) + ")");
}

// Makes `ordinal` current for its lifetime; restores the caller's device.
class DeviceScope {
 public:
  explicit DeviceScope(int ordinal) {
    Check(cudaGetDevice(&previous_), "cudaGetDevice");
    if (previous_ != ordinal)
      Check(cudaSetDevice(ordinal), "cudaSetDevice(" + std::to_string(ordinal) + ")");
  }
  ~DeviceScope() { cudaSetDevice(previous_); }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_ = 0;
};

cudaEvent_t AsEvent(void* e) { return static_cast<cudaEvent_t>(e); }
cudaStream_t AsStream(void* s) { return static_cast<cudaStream_t>(s); }

class CudaStreamEvents final : public StreamEventApi {
 public:
  ExportedClientEvent CreateIpcEvent(int ordinal) override {
    DeviceScope scope(ordinal);
    cudaEvent_t event = nullptr;
    Check(
        cudaEventCreateWithFlags(&event, cudaEventInterprocess | cudaEventDisableTiming),
        "cudaEventCreateWithFlags(cudaEventInterprocess)");
    ExportedClientEvent out;
    out.event = event;
    try {
      cudaIpcEventHandle_t h;
      Check(cudaIpcGetEventHandle(&h, event), "cudaIpcGetEventHandle");
      out.handle.assign(h.reserved, sizeof(h.reserved));
      cudaDeviceProp prop;
      Check(cudaGetDeviceProperties(&prop, ordinal),
            "cudaGetDeviceProperties of device " + std::to_string(ordinal));
      out.device_uuid.assign(prop.uuid.bytes, sizeof(prop.uuid.bytes));
    } catch (...) {
      cudaEventDestroy(event);
      throw;
    }
    return out;
  }

  void* OpenIpcEvent(int ordinal, const std::string& handle) override {
    cudaIpcEventHandle_t h;
    if (handle.size() != sizeof(h.reserved)) {
      throw Error(Code::kInternal, "the daemon's event handle has " +
                                       std::to_string(handle.size()) + " bytes, not " +
                                       std::to_string(sizeof(h.reserved)));
    }
    std::memcpy(h.reserved, handle.data(), sizeof(h.reserved));
    DeviceScope scope(ordinal);
    cudaEvent_t event = nullptr;
    Check(cudaIpcOpenEventHandle(&event, h),
          "cudaIpcOpenEventHandle of the daemon's event");
    return event;
  }

  void DestroyEvent(int ordinal, void* event) noexcept override {
    try {
      DeviceScope scope(ordinal);
      Check(cudaEventDestroy(AsEvent(event)), "cudaEventDestroy");
    } catch (const Error& e) {
      std::fprintf(stderr, "ccs: destroying a stream event: %s\n", e.what());
    }
  }

  void Record(int ordinal, void* event, void* stream) override {
    DeviceScope scope(ordinal);
    Check(cudaEventRecord(AsEvent(event), AsStream(stream)),
          "cudaEventRecord of the stream's event before a collective");
  }

  void Wait(int ordinal, void* stream, void* event) override {
    DeviceScope scope(ordinal);
    Check(cudaStreamWaitEvent(AsStream(stream), AsEvent(event), 0),
          "cudaStreamWaitEvent on the daemon's event after a collective");
  }

  void Synchronize(void* stream) override {
    Check(cudaStreamSynchronize(AsStream(stream)), "cudaStreamSynchronize");
  }
};

}  // namespace

std::unique_ptr<StreamEventApi> MakeStreamEventApi() {
  return std::make_unique<CudaStreamEvents>();
}

}  // namespace ccs
