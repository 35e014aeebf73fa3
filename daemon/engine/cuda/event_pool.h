// EventPool: the CUDA engine's own events (one per GPU per op, recorded
// after the op's part), reused from op to op instead of created and
// destroyed each time. Returned events may still have a record pending:
// re-recording an event is allowed, it then tracks the new record.
// Keeps at most kMaxFree per GPU; destroys the rest and, when destroyed,
// every free one. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/gpu_backend.h"

namespace ccs::cuda {

class EventPool {
 public:
  // `backend` must outlive the pool.
  explicit EventPool(GpuBackend* backend);
  ~EventPool();
  EventPool(const EventPool&) = delete;
  EventPool& operator=(const EventPool&) = delete;

  // A free event of `gpu`, or a new one (the backend's error if that fails).
  StatusOr<void*> Take(uint32_t gpu);
  void Give(uint32_t gpu, void* event);

 private:
  static constexpr size_t kMaxFree = 64;
  GpuBackend* const backend_;
  std::mutex mu_;
  std::vector<std::vector<void*>> free_;  // per GPU
};

}  // namespace ccs::cuda
