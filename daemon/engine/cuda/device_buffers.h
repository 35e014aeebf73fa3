// How ccsd gets its DeviceBufferMapper and StreamTable, chosen by CMake like
// environment.h: device_buffers_cuda.cc (CUDA builds: the real IPC openers
// over the GPUs DiscoverDevices finds) or device_buffers_none.cc (built
// without CUDA).
#pragma once

#include <memory>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_buffer_mapper.h"
#include "daemon/engine/cuda/stream_table.h"

namespace ccs::cuda {

// The mapper for this process's GPUs, or why device buffers are refused:
// FAILED_PRECONDITION "no usable CUDA device: ..." (no driver, no GPU) or
// UNIMPLEMENTED (this ccsd was built without CUDA). Call once, at startup;
// blocks for device discovery (milliseconds).
StatusOr<std::unique_ptr<DeviceBufferMapper>> OpenDeviceBuffers();

// The stream table over `devices` (the mapper's devices(), so that
// StreamEvents::gpu and RankIo::gpu index the same list). UNIMPLEMENTED
// when this ccsd was built without CUDA. Call once, at startup.
StatusOr<std::unique_ptr<StreamTable>> OpenStreamTable(std::vector<LocalDevice> devices);

}  // namespace ccs::cuda
