#include "daemon/engine/cuda/staging_pool.h"

#include <algorithm>

namespace ccs::cuda {

StagingPool::~StagingPool() {
  for (const Buffer& b : free_) backend_->FreeStaging(b.data);
}

StatusOr<StagingPool::Buffer> StagingPool::Take(uint64_t bytes) {
  {
    std::lock_guard lock(mu_);
    auto best = free_.end();
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      if (it->bytes >= bytes && (best == free_.end() || it->bytes < best->bytes)) best = it;
    }
    if (best != free_.end()) {
      Buffer b = *best;
      free_.erase(best);
      return b;
    }
  }
  ASSIGN_OR_RETURN(void* data, backend_->AllocateStaging(bytes));
  return Buffer{static_cast<std::byte*>(data), bytes};
}

void StagingPool::Give(Buffer buffer) {
  std::lock_guard lock(mu_);
  free_.push_back(buffer);
  if (free_.size() <= kMaxFree) return;
  auto smallest = std::min_element(free_.begin(), free_.end(),
                                   [](const Buffer& a, const Buffer& b) { return a.bytes < b.bytes; });
  backend_->FreeStaging(smallest->data);
  free_.erase(smallest);
}

}  // namespace ccs::cuda
