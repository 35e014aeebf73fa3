#include "daemon/engine/cuda/gpu_fan_out.h"

namespace ccs::cuda {
namespace {

class FanOutWork : public GpuWork {
 public:
  FanOutWork(size_t parts, const std::function<Status(uint32_t)>& part)
      : left_(parts), part_(part) {}

  void RunOn(uint32_t gpu, uint64_t /*ticket*/) override {
    Status s = part_(gpu);
    std::lock_guard lock(mu_);
    if (!s.ok() && status_.ok()) status_ = std::move(s);
    if (--left_ == 0) cv_.notify_all();
  }

  Status Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return left_ == 0; });
    return status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t left_;
  Status status_;
  const std::function<Status(uint32_t)>& part_;
};

}  // namespace

Status FanOut(LaunchSequencer& sequencer, std::span<const uint32_t> gpus,
              const std::function<Status(uint32_t gpu)>& part) {
  FanOutWork work(gpus.size(), part);
  // Nothing queued on error, so nothing runs `work` after it is gone.
  RETURN_IF_ERROR(sequencer.Submit(gpus, &work).status());
  return work.Wait();
}

}  // namespace ccs::cuda
