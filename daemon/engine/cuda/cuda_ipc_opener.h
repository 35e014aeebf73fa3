// The real IpcOpener for device memory. CUDA builds only; needs a GPU and
// driver at run time. (Clients' IPC events: cuda_ipc_event_opener.h.)
#pragma once

#include <memory>

#include "daemon/engine/cuda/ipc_opener.h"

namespace ccs::cuda {

// Opens with cudaIpcMemLazyEnablePeerAccess on the given ordinal (made
// current on the calling thread for the call).
std::unique_ptr<IpcOpener> MakeCudaIpcOpener();

}  // namespace ccs::cuda
