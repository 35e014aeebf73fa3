// The GPUs this process sees, by identity, and the real P2P check between
// them. CUDA builds only; needs a driver at run time.
#pragma once

#include <string>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_id.h"
#include "daemon/engine/cuda/p2p_matrix.h"

namespace ccs::cuda {

// Every visible device with its UUID, PCI bus id and ordinal here.
// FAILED_PRECONDITION naming the CUDA error when there is no driver or no
// device (cudaGetDeviceCount fails or finds none).
StatusOr<std::vector<LocalDevice>> DiscoverDevices();

// kernels::ProbePeerAccess on every ordered pair (blocks; milliseconds per
// pair). Appends one line per failed pair to `failures` when not null.
P2pMatrix ProbeP2p(const std::vector<LocalDevice>& devices,
                   std::vector<std::string>* failures);

// Device name for logs ("NVIDIA H100 80GB HBM3"); empty on error.
std::string DeviceName(int ordinal);

}  // namespace ccs::cuda
