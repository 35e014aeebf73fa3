// ScratchPool: large byte buffers an engine reuses across ops (staging of
// inputs that overlap outputs).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace ccs::host {

class ScratchPool {
 public:
  // A buffer borrowed from the pool; returned to it on destruction.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    // Null when the allocation failed.
    std::byte* data() const { return data_.get(); }

   private:
    friend class ScratchPool;
    ScratchPool* pool_ = nullptr;
    std::unique_ptr<std::byte[]> data_;
    size_t size_ = 0;
  };

  // Keeps returned buffers of at most `max_retained_bytes` each.
  explicit ScratchPool(size_t max_retained_bytes)
      : max_retained_bytes_(max_retained_bytes) {}

  // A buffer of at least `bytes` bytes (contents unspecified); data() is null
  // if memory is exhausted. Thread-safe. The pool must outlive the lease.
  Lease Acquire(size_t bytes);

 private:
  struct Buffer {
    std::unique_ptr<std::byte[]> data;
    size_t size = 0;
  };

  void Release(std::unique_ptr<std::byte[]> data, size_t size);

  const size_t max_retained_bytes_;
  std::mutex mu_;
  std::vector<Buffer> free_;  // guarded by mu_
};

}  // namespace ccs::host
