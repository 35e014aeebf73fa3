// StagingPool: page-locked host buffers for the host-staged fallback,
// reused from op to op (allocating page-locked memory costs milliseconds).
// Keeps at most a few free buffers; frees everything when destroyed.
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/gpu_backend.h"

namespace ccs::cuda {

class StagingPool {
 public:
  explicit StagingPool(GpuBackend* backend) : backend_(backend) {}
  ~StagingPool();
  StagingPool(const StagingPool&) = delete;
  StagingPool& operator=(const StagingPool&) = delete;

  struct Buffer {
    std::byte* data = nullptr;
    uint64_t bytes = 0;
  };
  // A free buffer of at least `bytes` (the smallest that fits), or a new
  // one; the backend's error when allocation fails.
  StatusOr<Buffer> Take(uint64_t bytes);
  // Returns a buffer Take gave; the largest free ones are kept.
  void Give(Buffer buffer);

 private:
  static constexpr size_t kMaxFree = 4;
  GpuBackend* const backend_;
  std::mutex mu_;
  std::vector<Buffer> free_;
};

}  // namespace ccs::cuda
