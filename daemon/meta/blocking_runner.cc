#include "daemon/meta/blocking_runner.h"

namespace ccs::meta {

BlockingRunner::BlockingRunner(size_t max_jobs) : max_jobs_(max_jobs) {}

BlockingRunner::~BlockingRunner() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

Status BlockingRunner::Run(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stop_) return Unavailable("ccsd is shutting down");
    if (running_ >= max_jobs_) {
      return ResourceExhausted(
          std::to_string(running_) +
          " metadata-plane calls are already in flight on this daemon "
          "(the limit); retry when some have completed");
    }
    ++running_;
    queue_.push_back(std::move(job));
    if (idle_ + starting_ < queue_.size()) {
      ++starting_;
      threads_.emplace_back([this] { Loop(); });
    }
  }
  cv_.notify_one();
  return Status::Ok();
}

bool BlockingRunner::WaitIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_until(lock, deadline, [this] { return running_ == 0; });
}

void BlockingRunner::Loop() {
  std::unique_lock lock(mu_);
  --starting_;
  for (;;) {
    ++idle_;
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // stopping, nothing left to run
    std::function<void()> job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    job();
    lock.lock();
    if (--running_ == 0) idle_cv_.notify_all();
  }
}

}  // namespace ccs::meta
