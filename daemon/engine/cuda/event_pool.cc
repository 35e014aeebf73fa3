#include "daemon/engine/cuda/event_pool.h"

namespace ccs::cuda {

EventPool::EventPool(GpuBackend* backend) : backend_(backend), free_(backend->Gpus()) {}

EventPool::~EventPool() {
  for (uint32_t g = 0; g < free_.size(); ++g) {
    for (void* e : free_[g]) backend_->DestroyEvent(g, e);
  }
}

StatusOr<void*> EventPool::Take(uint32_t gpu) {
  {
    std::lock_guard lock(mu_);
    if (gpu < free_.size() && !free_[gpu].empty()) {
      void* e = free_[gpu].back();
      free_[gpu].pop_back();
      return e;
    }
  }
  return backend_->CreateEvent(gpu);
}

void EventPool::Give(uint32_t gpu, void* event) {
  {
    std::lock_guard lock(mu_);
    if (gpu < free_.size() && free_[gpu].size() < kMaxFree) {
      free_[gpu].push_back(event);
      return;
    }
  }
  backend_->DestroyEvent(gpu, event);
}

}  // namespace ccs::cuda
