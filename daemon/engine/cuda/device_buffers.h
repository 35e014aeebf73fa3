// How ccsd gets its DeviceBufferMapper, chosen by CMake like environment.h:
// device_buffers_cuda.cc (CUDA builds: the real IPC opener over the GPUs
// DiscoverDevices finds) or device_buffers_none.cc (built without CUDA).
#pragma once

#include <memory>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_buffer_mapper.h"

namespace ccs::cuda {

// The mapper for this process's GPUs, or why device buffers are refused:
// FAILED_PRECONDITION "no usable CUDA device: ..." (no driver, no GPU) or
// UNIMPLEMENTED (this ccsd was built without CUDA). Call once, at startup;
// blocks for device discovery (milliseconds).
StatusOr<std::unique_ptr<DeviceBufferMapper>> OpenDeviceBuffers();

}  // namespace ccs::cuda
