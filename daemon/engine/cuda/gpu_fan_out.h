// GpuFanOut: one op's part on each of several GPUs, queued through the
// LaunchSequencer and waited for by the op's thread until every GPU's worker
// has enqueued its part (not until the GPU ran it).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/gpu_worker.h"
#include "daemon/engine/cuda/launch_sequencer.h"

namespace ccs::cuda {

// Runs `part(gpu)` on the worker of every GPU in `gpus`, in the sequencer's
// order, and returns the first error any part returned (OK when all
// succeeded). Blocks until every part returned; parts only enqueue GPU work
// and never wait for other GPUs, so that wait is short.
Status FanOut(LaunchSequencer& sequencer, std::span<const uint32_t> gpus,
              const std::function<Status(uint32_t gpu)>& part);

}  // namespace ccs::cuda
