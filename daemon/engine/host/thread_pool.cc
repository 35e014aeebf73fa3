#include "daemon/engine/host/thread_pool.h"

#include <algorithm>
#include <atomic>

namespace ccs::host {

// One ParallelFor call; lives on its caller's stack. Parts are claimed with
// `next`, so a part runs once whoever claims it. The caller may only return
// once `active_helpers` is 0 and the loop is off the queue: no worker then
// holds a pointer to it.
struct ThreadPool::Loop {
  void* fn = nullptr;
  void (*call)(void*, size_t) = nullptr;
  size_t parts = 0;
  std::atomic<size_t> next{0};
  size_t wanted_helpers = 0;  // guarded by mu_
  size_t active_helpers = 0;  // guarded by mu_
  std::condition_variable helpers_done;
};

ThreadPool::ThreadPool(unsigned workers) {
  queue_.reserve(64);
  threads_.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerMain(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ThreadPool::RunParts(Loop& loop) {
  for (size_t part = loop.next.fetch_add(1, std::memory_order_relaxed); part < loop.parts;
       part = loop.next.fetch_add(1, std::memory_order_relaxed)) {
    loop.call(loop.fn, part);
  }
}

void ThreadPool::Run(size_t parts, void* fn, void (*call)(void*, size_t)) {
  Loop loop;
  loop.fn = fn;
  loop.call = call;
  loop.parts = parts;
  const size_t helpers = std::min(parts > 0 ? parts - 1 : 0, threads_.size());
  if (helpers > 0) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      loop.wanted_helpers = helpers;
      queue_.push_back(&loop);
    }
    if (helpers == 1) {
      work_cv_.notify_one();
    } else {
      work_cv_.notify_all();
    }
  }
  RunParts(loop);
  if (helpers == 0) return;
  std::unique_lock<std::mutex> lock(mu_);
  auto it = std::find(queue_.begin(), queue_.end(), &loop);
  if (it != queue_.end()) queue_.erase(it);
  loop.helpers_done.wait(lock, [&loop] { return loop.active_helpers == 0; });
}

void ThreadPool::WorkerMain() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping
    Loop* loop = queue_.front();
    if (--loop->wanted_helpers == 0) queue_.erase(queue_.begin());
    ++loop->active_helpers;
    lock.unlock();
    RunParts(*loop);
    lock.lock();
    // Notify under the lock: once it is released the caller may return and
    // destroy `loop`.
    if (--loop->active_helpers == 0) loop->helpers_done.notify_one();
  }
}

}  // namespace ccs::host
