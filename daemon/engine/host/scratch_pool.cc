#include "daemon/engine/host/scratch_pool.h"

#include <new>
#include <utility>

namespace ccs::host {
namespace {

constexpr size_t kMaxRetainedBuffers = 8;

}  // namespace

ScratchPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      data_(std::move(other.data_)),
      size_(std::exchange(other.size_, 0)) {}

ScratchPool::Lease::~Lease() {
  if (pool_ != nullptr && data_ != nullptr) pool_->Release(std::move(data_), size_);
}

ScratchPool::Lease ScratchPool::Acquire(size_t bytes) {
  Lease lease;
  lease.pool_ = this;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < free_.size(); ++i) {
      if (free_[i].size < bytes) continue;
      lease.data_ = std::move(free_[i].data);
      lease.size_ = free_[i].size;
      free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));
      return lease;
    }
  }
  lease.data_.reset(new (std::nothrow) std::byte[bytes > 0 ? bytes : 1]);
  lease.size_ = lease.data_ != nullptr ? bytes : 0;
  return lease;
}

void ScratchPool::Release(std::unique_ptr<std::byte[]> data, size_t size) {
  if (size > max_retained_bytes_) return;  // freed here
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.size() >= kMaxRetainedBuffers) return;
  free_.push_back(Buffer{std::move(data), size});
}

}  // namespace ccs::host
