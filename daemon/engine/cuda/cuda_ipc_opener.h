// The real IpcOpeners, for memory and for events. CUDA builds only; need a
// GPU and driver at run time.
#pragma once

#include <memory>

#include "daemon/engine/cuda/ipc_opener.h"

namespace ccs::cuda {

// Opens with cudaIpcMemLazyEnablePeerAccess on the given ordinal (made
// current on the calling thread for the call).
std::unique_ptr<IpcOpener> MakeCudaIpcOpener();
// Opens IPC events (cudaIpcOpenEventHandle; the pointer is the cudaEvent_t)
// and destroys them on Close. Use with an IpcMappingCache and alloc_size 0.
std::unique_ptr<IpcOpener> MakeCudaIpcEventOpener();

}  // namespace ccs::cuda
