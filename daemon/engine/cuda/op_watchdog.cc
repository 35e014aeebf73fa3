#include "daemon/engine/cuda/op_watchdog.h"

#include <algorithm>

namespace ccs::cuda {

OpWatchdog::OpWatchdog(GpuBackend* backend, OnFailure on_failure, Release release,
                       std::chrono::milliseconds interval)
    : backend_(backend),
      on_failure_(std::move(on_failure)),
      release_(std::move(release)),
      interval_(interval),
      thread_([this] { Loop(); }) {}

OpWatchdog::~OpWatchdog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  for (const Watched& w : watched_) ReleaseEvents(w);
}

void OpWatchdog::Watch(uint64_t group_id, CollectiveKind kind,
                       std::vector<std::pair<uint32_t, void*>> events,
                       GpuBackend::Deadline deadline) {
  std::lock_guard lock(mu_);
  watched_.push_back({group_id, kind, std::move(events), deadline});
}

void OpWatchdog::WatchNccl(uint64_t group_id) {
  std::lock_guard lock(mu_);
  nccl_groups_.insert(group_id);
}

void OpWatchdog::Forget(uint64_t group_id) {
  std::vector<Watched> drop;
  {
    std::lock_guard lock(mu_);
    nccl_groups_.erase(group_id);
    failed_.erase(group_id);
    auto it = std::stable_partition(watched_.begin(), watched_.end(),
                                    [&](const Watched& w) { return w.group_id != group_id; });
    drop.assign(std::make_move_iterator(it), std::make_move_iterator(watched_.end()));
    watched_.erase(it, watched_.end());
  }
  // An event whose record is still pending may be reused: re-recording it
  // makes it track the new record.
  for (const Watched& w : drop) ReleaseEvents(w);
}

size_t OpWatchdog::watched() const {
  std::lock_guard lock(mu_);
  return watched_.size();
}

void OpWatchdog::ReleaseEvents(const Watched& w) {
  for (const auto& [gpu, event] : w.events) release_(gpu, event);
}

void OpWatchdog::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, interval_, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    Poll();
    lock.lock();
  }
}

void OpWatchdog::Poll() {
  std::vector<Watched> mine;
  std::set<uint64_t> nccl;
  {
    std::lock_guard lock(mu_);
    mine.swap(watched_);
    nccl = nccl_groups_;
  }
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<uint64_t, Status>> failures;
  std::vector<Watched> pending;
  for (Watched& w : mine) {
    bool done = true;
    // Named only when it failed: no string per op.
    auto what = [&w] {
      return std::string(CollectiveName(w.kind)) + " of group " + std::to_string(w.group_id);
    };
    for (const auto& [gpu, event] : w.events) {
      // A past deadline: one query, OK when complete.
      Status s = backend_->WaitEventHost(gpu, event, GpuBackend::Deadline::min());
      if (s.ok()) continue;
      done = false;
      if (s.code() != StatusCode::kDeadlineExceeded) {
        failures.emplace_back(w.group_id, Status(s.code(), what() + ": " + s.message()));
      } else if (now >= w.deadline) {
        failures.emplace_back(
            w.group_id, DeadlineExceeded(what() + " did not complete on GPU " +
                                         std::to_string(gpu) +
                                         " within its deadline (a client stream never "
                                         "reached its ready event, or a peer's part is stuck)"));
      }
      break;
    }
    if (done || (!failures.empty() && failures.back().first == w.group_id)) {
      ReleaseEvents(w);
    } else {
      pending.push_back(std::move(w));
    }
  }
  for (uint64_t g : nccl) {
    Status s = backend_->PollNccl(g);
    if (!s.ok()) failures.emplace_back(g, std::move(s));
  }
  std::vector<std::pair<uint64_t, Status>> report;
  {
    std::lock_guard lock(mu_);
    // Watch() may have added ops meanwhile; keep them after the older ones.
    pending.insert(pending.end(), std::make_move_iterator(watched_.begin()),
                   std::make_move_iterator(watched_.end()));
    watched_.swap(pending);
    for (auto& [g, s] : failures) {
      if (failed_.insert(g).second) {
        nccl_groups_.erase(g);
        report.emplace_back(g, std::move(s));
      }
    }
  }
  for (const auto& [g, s] : report) on_failure_(g, s);
}

}  // namespace ccs::cuda
