// How ccsd gets its CUDA engine, chosen by CMake like environment.h:
// device_engine_cuda.cc (CUDA builds: the real GpuBackend over the GPUs
// DiscoverDevices finds, NCCL from nccl_library, the verified P2P matrix)
// or device_engine_none.cc (built without CUDA).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/algorithm.h"
#include "daemon/engine/engine.h"

namespace ccs::cuda {

struct DeviceEngineConfig {
  std::string nccl_library;  // config option nccl_library
  AlgorithmThresholds thresholds;
  // DeviceEngineOptions::on_group_failure.
  std::function<void(uint64_t group_id, const Status& why)> on_group_failure;
};

// The engine for device buffers, or why there is none: FAILED_PRECONDITION
// (no usable GPU) or UNIMPLEMENTED (built without CUDA). A missing NCCL is
// not an error: the engine then runs without its NCCL path. `host` runs the
// host-staged fallback; it must outlive the engine. Call once, at startup.
StatusOr<std::unique_ptr<Engine>> OpenDeviceEngine(Engine* host,
                                                   const DeviceEngineConfig& config);

}  // namespace ccs::cuda
