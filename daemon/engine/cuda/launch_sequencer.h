// LaunchSequencer: the one launch order of the daemon's GPUs (see
// gpu_worker.h for why). Every op gets the next ticket and is queued on all
// of its GPUs' workers under one lock, so for any two ops that share GPUs
// every shared GPU runs them in the same order, whichever groups or tenants
// they belong to.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/gpu_worker.h"

namespace ccs::cuda {

class LaunchSequencer {
 public:
  // workers[i] runs GPU index i; not owned, must outlive the sequencer.
  explicit LaunchSequencer(std::vector<GpuWorker*> workers);

  // Queues `work` on each GPU index in `gpus` with one new ticket and
  // returns it. INVALID_ARGUMENT (nothing queued) for an empty list, an
  // index without a worker or a repeated index. Thread-safe; never blocks
  // on a GPU. `work` must stay alive until every listed GPU ran it.
  StatusOr<uint64_t> Submit(std::span<const uint32_t> gpus, GpuWork* work);

 private:
  std::vector<GpuWorker*> workers_;
  std::mutex mu_;
  uint64_t next_ticket_ = 1;
};

}  // namespace ccs::cuda
