// ThreadPool: a fixed set of worker threads that help callers run one loop
// of independent parts.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace ccs::host {

class ThreadPool {
 public:
  // Starts `workers` threads (0 is allowed: every loop then runs on its
  // caller).
  explicit ThreadPool(unsigned workers);
  // Joins the workers. No ParallelFor may be running.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Calls fn(p) exactly once for every p in [0, parts), on the calling thread
  // and on up to parts-1 idle workers, and returns when every call has
  // returned (their writes are then visible to the caller). Never waits for
  // a busy worker: parts no worker has claimed run on the caller. `fn` must
  // not throw. Thread-safe: any number of threads may call concurrently.
  // Allocates nothing unless more loops are queued at once than ever before.
  template <typename Fn>
  void ParallelFor(size_t parts, Fn&& fn) {
    using F = std::remove_reference_t<Fn>;
    Run(parts, const_cast<void*>(static_cast<const void*>(&fn)),
        [](void* f, size_t part) { (*static_cast<F*>(f))(part); });
  }

  unsigned workers() const { return static_cast<unsigned>(threads_.size()); }

 private:
  struct Loop;

  void Run(size_t parts, void* fn, void (*call)(void*, size_t));
  void WorkerMain();
  static void RunParts(Loop& loop);

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::vector<Loop*> queue_;  // loops still wanting helpers; guarded by mu_
  bool stopping_ = false;     // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace ccs::host
