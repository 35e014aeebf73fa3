// The CUDA event calls behind the SDK's stream order (DeviceStreams), as an
// interface free of CUDA types so the logic can be tested without a GPU.
// Two implementations, chosen by CMake like device_export.h:
// stream_event_api_cuda.cc (the SDK built with CUDA) and
// stream_event_api_none.cc (without: there are no device buffers, so only
// Synchronize is reachable, and it has nothing to wait for).
#pragma once

#include <memory>
#include <string>

namespace ccs {

// An interprocess event created here and its export.
struct ExportedClientEvent {
  void* event = nullptr;    // cudaEvent_t
  std::string handle;       // the 64 bytes of cudaIpcEventHandle_t
  std::string device_uuid;  // the 16 bytes of cudaDeviceProp::uuid
};

// Every method makes `ordinal` current for the call and restores the
// caller's device after. Methods that can fail throw ccs::Error
// (FAILED_PRECONDITION naming the CUDA call and error). Thread-safe.
class StreamEventApi {
 public:
  virtual ~StreamEventApi() = default;
  // cudaEventCreateWithFlags(cudaEventInterprocess | cudaEventDisableTiming)
  // + cudaIpcGetEventHandle.
  virtual ExportedClientEvent CreateIpcEvent(int ordinal) = 0;
  // cudaIpcOpenEventHandle of another process's event.
  virtual void* OpenIpcEvent(int ordinal, const std::string& handle) = 0;
  // cudaEventDestroy; errors are reported on stderr.
  virtual void DestroyEvent(int ordinal, void* event) noexcept = 0;
  // cudaEventRecord(event, stream).
  virtual void Record(int ordinal, void* event, void* stream) = 0;
  // cudaStreamWaitEvent(stream, event).
  virtual void Wait(int ordinal, void* stream, void* event) = 0;
  // cudaStreamSynchronize(stream) on the current device.
  virtual void Synchronize(void* stream) = 0;
};

std::unique_ptr<StreamEventApi> MakeStreamEventApi();

}  // namespace ccs
