// FakeGpuBackend: the test double of GpuBackend. No GPU runs in CI, so
// "device memory" here is host memory, every stream operation runs at once
// on the calling thread, and everything enqueued is logged per GPU so tests
// can check what the engine chose and the stream order it built (ready
// events waited before the work, done events recorded after it). The
// all-reduce "kernel" is a float32 host sum over the inputs in rank order,
// written to the participant's outputs after all inputs were read (one
// participant at a time: multi-GPU tests must not run in place). NCCL calls
// are recorded, not run.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "daemon/engine/cuda/gpu_backend.h"

namespace ccs::cuda {

struct FakeEvent {
  int id = 0;
  int records = 0;
};

class FakeGpuBackend final : public GpuBackend {
 public:
  explicit FakeGpuBackend(uint32_t gpus) : gpus_(gpus), log(gpus) {}

  uint32_t Gpus() const override { return gpus_; }
  Status Bind(uint32_t) override { return Status::Ok(); }

  Status WaitEvent(uint32_t gpu, void* event) override {
    return Log(gpu, "wait " + Id(event));
  }
  Status RecordEvent(uint32_t gpu, void* event) override {
    static_cast<FakeEvent*>(event)->records++;
    return Log(gpu, "record " + Id(event));
  }
  Status Copy(uint32_t gpu, void* dst, const void* src, size_t bytes) override {
    if (fail_copies) return Internal("cudaMemcpyAsync (fake) failed on GPU " + std::to_string(gpu));
    std::memmove(dst, src, bytes);
    return Log(gpu, "copy " + std::to_string(bytes));
  }
  Status LaunchAllReduce(uint32_t gpu, const kernels::AllReduceLaunch& l,
                         kernels::ArAlgorithm algorithm) override {
    if (l.dtype != kernels::ArDtype::kFloat32) return Internal("the fake reduces float32 only");
    std::vector<float> sum(l.count, 0.0f);
    for (uint32_t r = 0; r < l.num_inputs; ++r) {
      const float* in = static_cast<const float*>(l.inputs[r]);
      for (uint64_t i = 0; i < l.count; ++i) sum[i] += in[i];
    }
    for (uint32_t o = 0; o < l.num_outputs; ++o) {
      std::memcpy(l.outputs[o], sum.data(), l.count * sizeof(float));
    }
    launches.push_back(l);
    return Log(gpu, std::string("launch ") +
                        (algorithm == kernels::ArAlgorithm::kOneShot ? "one_shot" : "two_shot") +
                        " outputs=" + std::to_string(l.num_outputs));
  }
  StatusOr<void*> AllocateAsync(uint32_t gpu, size_t bytes) override {
    void* p = nullptr;
    {
      std::lock_guard lock(mu_);
      scratch_.push_back(std::make_unique<std::byte[]>(std::max<size_t>(bytes, 1)));
      p = scratch_.back().get();
      live_scratch.insert(p);
    }
    RETURN_IF_ERROR(Log(gpu, "alloc " + std::to_string(bytes)));
    return p;
  }
  Status FreeAsync(uint32_t gpu, void* memory) override {
    {
      std::lock_guard lock(mu_);
      live_scratch.erase(memory);
    }
    return Log(gpu, "free");
  }
  Status RunNccl(uint32_t gpu, uint64_t group_id, uint32_t rank,
                 std::span<const NcclCall> calls) override {
    nccl_calls[{group_id, rank}].assign(calls.begin(), calls.end());
    return Log(gpu, "nccl rank " + std::to_string(rank) + " calls=" + std::to_string(calls.size()));
  }

  StatusOr<void*> CreateEvent(uint32_t gpu) override {
    std::lock_guard lock(mu_);
    events_.push_back(std::make_unique<FakeEvent>(FakeEvent{1000 + int(events_.size())}));
    ++engine_events;
    (void)gpu;
    return static_cast<void*>(events_.back().get());
  }
  void DestroyEvent(uint32_t, void*) override {}
  // A deadline in the past is the watchdog's poll (counted apart, not
  // logged); `stuck` makes every engine event look incomplete.
  Status WaitEventHost(uint32_t gpu, void* event, Deadline deadline) override {
    if (deadline == Deadline::min()) {
      ++polls;
      if (stuck) return DeadlineExceeded("work on GPU " + std::to_string(gpu) + " (fake) stuck");
      return Status::Ok();
    }
    ++host_waits;
    if (stuck) return DeadlineExceeded("work on GPU " + std::to_string(gpu) + " (fake) stuck");
    return Log(gpu, "host_wait " + Id(event));
  }
  StatusOr<void*> AllocateSignal(uint32_t gpu) override {
    std::lock_guard lock(mu_);
    signals_.push_back(std::make_unique<char[]>(kernels::kSignalBytes));
    live_signals.insert(signals_.back().get());
    (void)gpu;
    return static_cast<void*>(signals_.back().get());
  }
  void FreeSignal(uint32_t, void* signal) override {
    std::lock_guard lock(mu_);
    live_signals.erase(signal);
  }
  StatusOr<void*> AllocateStaging(size_t bytes) override {
    std::lock_guard lock(mu_);
    staging_.push_back(std::make_unique<std::byte[]>(bytes));
    ++staging_allocs;
    return static_cast<void*>(staging_.back().get());
  }
  void FreeStaging(void*) override {}

  std::string NcclVersion() const override { return nccl_version; }
  StatusOr<std::string> NewNcclUniqueId() override {
    std::lock_guard lock(mu_);
    ++unique_ids;
    return "fake-unique-id-" + std::to_string(unique_ids) + "-" +
           std::to_string(reinterpret_cast<uintptr_t>(this));
  }
  Status CreateNcclComms(uint64_t group_id, const std::string&, uint32_t world,
                         std::span<const uint32_t> ranks, std::span<const uint32_t> gpus,
                         const std::string& unique_id, Deadline) override {
    std::lock_guard lock(mu_);
    ++nccl_creates;
    if (!nccl_create_error.ok()) return nccl_create_error;
    comms[group_id] = {std::vector<uint32_t>(ranks.begin(), ranks.end()),
                       std::vector<uint32_t>(gpus.begin(), gpus.end())};
    comm_ids[group_id] = unique_id;
    comm_worlds[group_id] = world;
    return Status::Ok();
  }
  Status PollNccl(uint64_t) override {
    std::lock_guard lock(mu_);
    return nccl_poll;
  }
  void SetNcclPoll(Status s) {
    std::lock_guard lock(mu_);
    nccl_poll = std::move(s);
  }
  void DestroyNcclComms(uint64_t group_id, bool abort) override {
    std::lock_guard lock(mu_);
    comms.erase(group_id);
    if (abort) ++nccl_aborts;
  }

  // A ready/done event as the engine gets them from opened client handles.
  void* NewClientEvent(int id) {
    client_events_.push_back(std::make_unique<FakeEvent>(FakeEvent{id}));
    return client_events_.back().get();
  }

  // Whether group `group_id` has communicators now (thread-safe).
  bool HasComms(uint64_t group_id) const {
    std::lock_guard lock(mu_);
    return comms.count(group_id) != 0;
  }

  // Everything logged on `gpu` so far, in order.
  std::vector<std::string> Log(uint32_t gpu) const {
    std::lock_guard lock(mu_);
    return log[gpu];
  }
  bool Logged(uint32_t gpu, const std::string& prefix) const {
    for (const std::string& s : Log(gpu)) {
      if (s.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }

  // Knobs and observations.
  bool fail_copies = false;
  std::string nccl_version;  // non-empty: NCCL "loaded"
  Status nccl_create_error;
  Status nccl_poll;
  int nccl_creates = 0;
  std::atomic<bool> stuck{false};
  std::atomic<int> polls{0};
  int nccl_aborts = 0;
  int engine_events = 0;
  std::atomic<int> host_waits{0};
  int staging_allocs = 0;
  std::set<void*> live_signals;
  std::set<void*> live_scratch;  // AllocateAsync'd, not yet freed
  std::vector<kernels::AllReduceLaunch> launches;
  std::map<std::pair<uint64_t, uint32_t>, std::vector<NcclCall>> nccl_calls;
  std::map<uint64_t, std::pair<std::vector<uint32_t>, std::vector<uint32_t>>> comms;
  std::map<uint64_t, std::string> comm_ids;    // the unique id each group was made from
  std::map<uint64_t, uint32_t> comm_worlds;
  int unique_ids = 0;

 private:
  static std::string Id(void* event) {
    return "E" + std::to_string(static_cast<FakeEvent*>(event)->id);
  }
  Status Log(uint32_t gpu, std::string entry) {
    std::lock_guard lock(mu_);
    log[gpu].push_back(std::move(entry));
    return Status::Ok();
  }

  const uint32_t gpus_;
  mutable std::mutex mu_;
  std::vector<std::vector<std::string>> log;
  std::vector<std::unique_ptr<FakeEvent>> events_;
  std::vector<std::unique_ptr<FakeEvent>> client_events_;
  std::vector<std::unique_ptr<char[]>> signals_;
  std::vector<std::unique_ptr<std::byte[]>> staging_;
  std::vector<std::unique_ptr<std::byte[]>> scratch_;
};

}  // namespace ccs::cuda
