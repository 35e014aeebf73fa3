// BlockingRunner: threads for jobs that block (store calls, waits for other
// ranks), so that gRPC threads never do. A job gets a thread of its own for
// as long as it runs: jobs waiting for each other (ranks of one op) cannot
// starve each other the way they could in a fixed pool. Threads are kept
// and reused; at most `max_jobs` jobs run at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/core/status.h"

namespace ccs::meta {

class BlockingRunner {
 public:
  explicit BlockingRunner(size_t max_jobs);
  // Waits for the running jobs to end (each is bounded by its own deadline).
  ~BlockingRunner();
  BlockingRunner(const BlockingRunner&) = delete;
  BlockingRunner& operator=(const BlockingRunner&) = delete;

  // Starts `job` on a thread of its own. RESOURCE_EXHAUSTED (the job is not
  // run) when `max_jobs` jobs are running. Thread-safe.
  Status Run(std::function<void()> job);

  // Blocks until no job is queued or running, or until `deadline`; true if
  // none is.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);

 private:
  void Loop();

  const size_t max_jobs_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;
  size_t idle_ = 0;      // threads waiting for a job
  size_t starting_ = 0;  // threads created that have not yet looked for one
  size_t running_ = 0;   // jobs queued or running
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ccs::meta
