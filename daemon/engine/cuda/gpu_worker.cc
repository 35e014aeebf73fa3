#include "daemon/engine/cuda/gpu_worker.h"

#include <cassert>
#include <utility>

namespace ccs::cuda {

GpuWorker::GpuWorker(uint32_t gpu, std::function<void()> bind) : gpu_(gpu) {
  queue_.reserve(64);
  thread_ = std::thread([this, b = std::move(bind)]() mutable { Loop(std::move(b)); });
}

GpuWorker::~GpuWorker() { Stop(); }

void GpuWorker::Enqueue(uint64_t ticket, GpuWork* work) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    assert(ticket > last_ticket_ && "tickets must increase");
    last_ticket_ = ticket;
    queue_.push_back({ticket, work});
  }
  cv_.notify_one();
}

void GpuWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

uint64_t GpuWorker::last_ticket() const {
  std::lock_guard lock(mu_);
  return last_ticket_;
}

void GpuWorker::Loop(std::function<void()> bind) {
  if (bind) bind();
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return head_ < queue_.size() || stopping_; });
    if (head_ == queue_.size()) return;  // stopping, drained
    Item item = queue_[head_++];
    if (head_ == queue_.size()) {
      queue_.clear();
      head_ = 0;
    }
    lock.unlock();
    item.work->RunOn(gpu_, item.ticket);
    lock.lock();
  }
}

}  // namespace ccs::cuda
