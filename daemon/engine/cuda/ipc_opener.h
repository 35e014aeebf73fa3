// IpcOpener: how the daemon opens another process's device allocation by
// IPC handle (the returned pointer is its base), once per allocation through
// an IpcMappingCache, so no handle is opened per op. (Clients' IPC events go
// through the StreamTable's IpcEventOpener.)
//
// The real implementation (cuda_ipc_opener.cc, CUDA builds only) calls
// cudaIpcOpenMemHandle / cudaIpcCloseMemHandle on the device's ordinal. Unit
// tests use a fake (tests/unit/engine/cuda/fake_ipc_opener.h): CUDA IPC
// cannot run without a GPU, so the fake stands in for it and records opens
// and closes. IpcMappingCache calls Open under its own lock, one call at a
// time, and Close from its closer thread (it may block there until the
// device's queued work drained).
#pragma once

#include <cstdint>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_buffer.h"

namespace ccs::cuda {

// An allocation mapped into this process.
struct IpcOpened {
  void* base = nullptr;  // its base address here
  uint64_t bytes = 0;    // its real size as the driver reports it; 0: unknown
};

class IpcOpener {
 public:
  virtual ~IpcOpener() = default;
  // Maps the allocation `handle` names on local device `ordinal`; returns
  // its base address in this process and its size. Errors name the device
  // and the CUDA error (e.g. INVALID_ARGUMENT for a handle of an allocation
  // that is gone).
  virtual StatusOr<IpcOpened> Open(int ordinal, const IpcHandleBytes& handle) = 0;
  // Unmaps a base Open returned. Never fails from the caller's view (an
  // error is logged).
  virtual void Close(int ordinal, void* base) = 0;
};

}  // namespace ccs::cuda
