// A real P2P check between two GPUs of this process (the seeds'
// can_actually_p2p idea): cudaDeviceCanAccessPeer can say yes on systems
// where peer reads return garbage or hang (some virtualised or PCIe-switch
// setups), so the daemon verifies at startup by having a kernel on one GPU
// read a pattern from the other's memory. Host API free of CUDA types.
#pragma once

#include "daemon/core/status.h"

namespace ccs::kernels {

// Enables peer access from `reader` to `owner` (ordinals of this process;
// kept enabled on success), writes a pattern on `owner`, has a kernel on
// `reader` copy it over P2P and compares, both directions of use being
// separate calls. Blocks for the check (milliseconds). OK when the bytes
// arrived intact; FAILED_PRECONDITION naming both devices when the driver
// says no peer access or the bytes differ; INTERNAL naming the CUDA call
// that failed otherwise. Not for the hot path.
Status ProbePeerAccess(int reader, int owner);

}  // namespace ccs::kernels
