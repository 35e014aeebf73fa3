// GpuWorker: the one thread (and, in the CUDA engine, the one stream) of one
// GPU the daemon owns. Everything any group launches on that GPU goes
// through it, in the order it was queued.
//
// Why: kernels and NCCL calls of different groups that span several GPUs
// wait for each other across GPUs. If GPU 0 launched op A before op B while
// GPU 1 launched B before A, each would spin waiting for the other forever.
// LaunchSequencer (launch_sequencer.h) hands every op one ticket and queues
// it on all of its GPUs at once, so every worker runs ops in ticket order
// and any two ops that share GPUs run in the same order on all of them.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ccs::cuda {

// One op's part on one GPU.
class GpuWork {
 public:
  virtual ~GpuWork() = default;
  // Runs on GPU `gpu`'s worker thread. Enqueues the op's work for that GPU
  // (kernel launches, NCCL calls, event records) and returns without
  // waiting for the GPU. Must not block on other GPUs' workers.
  virtual void RunOn(uint32_t gpu, uint64_t ticket) = 0;
};

class GpuWorker {
 public:
  // Starts the thread; `bind` runs on it first (the CUDA engine makes the
  // GPU current and creates its stream there).
  GpuWorker(uint32_t gpu, std::function<void()> bind);
  // Stop().
  ~GpuWorker();
  GpuWorker(const GpuWorker&) = delete;
  GpuWorker& operator=(const GpuWorker&) = delete;

  // Queues `work` (not owned; alive until its RunOn returned). Tickets must
  // increase from call to call (LaunchSequencer guarantees it). Never
  // blocks on the GPU; allocates only while the queue grows past its
  // largest size so far. Thread-safe. Ignored after Stop.
  void Enqueue(uint64_t ticket, GpuWork* work);
  // Runs what is queued, then ends the thread. Idempotent.
  void Stop();

  uint32_t gpu() const { return gpu_; }
  uint64_t last_ticket() const;  // highest ticket queued so far (0: none)

 private:
  struct Item {
    uint64_t ticket;
    GpuWork* work;
  };
  void Loop(std::function<void()> bind);

  const uint32_t gpu_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Item> queue_;  // [head_, size) pending; cleared (not freed) when drained
  size_t head_ = 0;
  uint64_t last_ticket_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ccs::cuda
