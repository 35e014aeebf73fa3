// OpWatchdog: watches device work the engine answered at enqueue, so that
// nothing hangs silently. The engine hands it, per op, one event per GPU
// recorded after the op's work; the watchdog polls them (GpuBackend::
// WaitEventHost with a past deadline: one query, never blocking) and
// reports the op's group as failed when they are not complete by the op's
// deadline. It also polls the NCCL communicators of the groups it is told
// about for asynchronous errors between ops. Reports go to `on_failure`,
// once per group until Forget, from the watchdog's own thread. Events it is
// done with go to `release` (the engine's EventPool).
//
// GPU-free (everything through the GpuBackend). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/core/types.h"
#include "daemon/engine/cuda/gpu_backend.h"

namespace ccs::cuda {

class OpWatchdog {
 public:
  using OnFailure = std::function<void(uint64_t group_id, const Status& why)>;
  using Release = std::function<void(uint32_t gpu, void* event)>;
  // Starts the thread; polls every `interval`. `backend` must outlive it.
  OpWatchdog(GpuBackend* backend, OnFailure on_failure, Release release,
             std::chrono::milliseconds interval = std::chrono::milliseconds(20));
  // Stops the thread and releases the events still watched.
  ~OpWatchdog();
  OpWatchdog(const OpWatchdog&) = delete;
  OpWatchdog& operator=(const OpWatchdog&) = delete;

  // Takes the (gpu, event) pairs of one `kind` op of `group_id`, already
  // recorded after its work.
  void Watch(uint64_t group_id, CollectiveKind kind,
             std::vector<std::pair<uint32_t, void*>> events, GpuBackend::Deadline deadline);
  // Polls the group's NCCL communicators from now on.
  void WatchNccl(uint64_t group_id);
  // The group is gone: no more reports for it; its watched events are
  // released at once.
  void Forget(uint64_t group_id);

  size_t watched() const;  // ops still watched (for tests)

 private:
  struct Watched {
    uint64_t group_id;
    CollectiveKind kind;
    std::vector<std::pair<uint32_t, void*>> events;
    GpuBackend::Deadline deadline;
  };
  void Loop();
  // One pass; returns the failures to report (called without mu_ held for
  // the backend calls' sake; the list is swapped out under mu_).
  void Poll();
  void ReleaseEvents(const Watched& w);

  GpuBackend* const backend_;
  const OnFailure on_failure_;
  const Release release_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Watched> watched_;
  std::set<uint64_t> nccl_groups_;
  std::set<uint64_t> failed_;  // reported, until Forget
  bool stop_ = false;
  std::thread thread_;  // last: starts after the members above exist
};

}  // namespace ccs::cuda
