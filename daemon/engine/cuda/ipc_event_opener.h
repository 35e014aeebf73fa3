// IpcEventOpener: the CUDA event calls behind stream order across processes
// (see StreamTable). A client's event is opened from its IPC handle; the
// daemon's own event is created interprocess and exported as a handle for
// the client to open. Events are opaque cudaEvent_t here.
//
// The real implementation (cuda_ipc_event_opener.cc, CUDA builds only) calls
// cudaIpcOpenEventHandle, cudaEventCreateWithFlags(cudaEventInterprocess |
// cudaEventDisableTiming), cudaIpcGetEventHandle and cudaEventDestroy on the
// device's ordinal. Unit tests use a fake
// (tests/unit/engine/cuda/fake_ipc_event_opener.h). Implementations are
// thread-safe; every call is made at registration or release time, never
// on an op's path.
#pragma once

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_buffer.h"

namespace ccs::cuda {

// An event created here and its exported IPC handle.
struct ExportedEvent {
  void* event = nullptr;
  IpcHandleBytes handle{};
};

class IpcEventOpener {
 public:
  virtual ~IpcEventOpener() = default;
  // Opens another process's event on local device `ordinal`. Errors name
  // the device and the CUDA error (INVALID_ARGUMENT for a bad handle).
  virtual StatusOr<void*> OpenEvent(int ordinal, const IpcHandleBytes& handle) = 0;
  // Releases an event OpenEvent returned. Never fails from the caller's
  // view (an error is logged).
  virtual void CloseEvent(int ordinal, void* event) = 0;
  // Creates an interprocess event on device `ordinal` and exports it.
  virtual StatusOr<ExportedEvent> CreateEvent(int ordinal) = 0;
  // Destroys an event CreateEvent returned (logged, never fails).
  virtual void DestroyEvent(int ordinal, void* event) = 0;
};

}  // namespace ccs::cuda
