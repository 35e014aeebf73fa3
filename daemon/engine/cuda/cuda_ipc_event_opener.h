// The real IpcEventOpener. CUDA builds only; needs a GPU and driver at run
// time.
#pragma once

#include <memory>

#include "daemon/engine/cuda/ipc_event_opener.h"

namespace ccs::cuda {

// Every call makes its ordinal current on the calling thread (cudaSetDevice)
// and leaves it so; errors come through CudaStatus.
std::unique_ptr<IpcEventOpener> MakeCudaStreamEventOpener();

}  // namespace ccs::cuda
