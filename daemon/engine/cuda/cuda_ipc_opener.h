// The real IpcOpener: cudaIpcOpenMemHandle / cudaIpcCloseMemHandle. CUDA
// builds only; needs a GPU and driver at run time.
#pragma once

#include <memory>

#include "daemon/engine/cuda/ipc_opener.h"

namespace ccs::cuda {

// Opens with cudaIpcMemLazyEnablePeerAccess on the given ordinal (made
// current on the calling thread for the call).
std::unique_ptr<IpcOpener> MakeCudaIpcOpener();

}  // namespace ccs::cuda
