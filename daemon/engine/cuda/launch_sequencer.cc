#include "daemon/engine/cuda/launch_sequencer.h"

#include <string>
#include <utility>

namespace ccs::cuda {

LaunchSequencer::LaunchSequencer(std::vector<GpuWorker*> workers)
    : workers_(std::move(workers)) {}

StatusOr<uint64_t> LaunchSequencer::Submit(std::span<const uint32_t> gpus,
                                           GpuWork* work) {
  if (gpus.empty()) return InvalidArgument("a GPU op must name at least one GPU");
  for (size_t i = 0; i < gpus.size(); ++i) {
    if (gpus[i] >= workers_.size() || workers_[gpus[i]] == nullptr) {
      return InvalidArgument("GPU index " + std::to_string(gpus[i]) +
                             " has no worker in this daemon (it owns " +
                             std::to_string(workers_.size()) + ")");
    }
    for (size_t j = 0; j < i; ++j) {
      if (gpus[j] == gpus[i]) {
        return InvalidArgument("GPU index " + std::to_string(gpus[i]) +
                               " is listed twice for one op");
      }
    }
  }
  std::lock_guard lock(mu_);
  const uint64_t ticket = next_ticket_++;
  for (uint32_t g : gpus) workers_[g]->Enqueue(ticket, work);
  return ticket;
}

}  // namespace ccs::cuda
