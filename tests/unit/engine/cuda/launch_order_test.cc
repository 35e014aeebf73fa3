// Per-GPU workers and the launch sequencer, with fake work in place of
// kernel launches: one order per GPU, the same relative order of any two ops
// on every GPU they share, and no deadlock for ops that wait for each other
// across GPUs (as the custom all-reduce's barriers do).
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "daemon/engine/cuda/gpu_worker.h"
#include "daemon/engine/cuda/launch_sequencer.h"

namespace ccs::cuda {
namespace {

// Records (gpu, ticket) in run order.
class RecordingWork final : public GpuWork {
 public:
  explicit RecordingWork(std::vector<std::vector<uint64_t>>* log, std::mutex* mu)
      : log_(log), mu_(mu) {}
  void RunOn(uint32_t gpu, uint64_t ticket) override {
    std::lock_guard lock(*mu_);
    (*log_)[gpu].push_back(ticket);
  }

 private:
  std::vector<std::vector<uint64_t>>* log_;
  std::mutex* mu_;
};

// Like a kernel with a cross-GPU barrier: RunOn on one GPU returns only
// once every GPU of the op has started it (or after a timeout, which the
// test reports as a deadlock).
class BarrierWork final : public GpuWork {
 public:
  explicit BarrierWork(size_t gpus) : gpus_(gpus) {}
  void RunOn(uint32_t, uint64_t) override {
    std::unique_lock lock(mu_);
    ++arrived_;
    cv_.notify_all();
    if (!cv_.wait_for(lock, std::chrono::seconds(10),
                      [&] { return arrived_ == gpus_; })) {
      timed_out_ = true;
    }
  }
  bool timed_out() {
    std::lock_guard lock(mu_);
    return timed_out_;
  }

 private:
  const size_t gpus_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t arrived_ = 0;
  bool timed_out_ = false;
};

struct Workers {
  explicit Workers(uint32_t n) {
    for (uint32_t g = 0; g < n; ++g)
      owned.push_back(std::make_unique<GpuWorker>(g, nullptr));
    for (auto& w : owned) raw.push_back(w.get());
  }
  void StopAll() {
    for (auto& w : owned) w->Stop();
  }
  std::vector<std::unique_ptr<GpuWorker>> owned;
  std::vector<GpuWorker*> raw;
};

TEST_CASE("a worker runs its bind step first and work in queue order",
          "[cuda][launch_order]") {
  std::vector<std::vector<uint64_t>> log(1);
  std::mutex mu;
  std::atomic<bool> bound{false};
  GpuWorker worker(0, [&] { bound = true; });
  RecordingWork work(&log, &mu);
  for (uint64_t t = 1; t <= 100; ++t) worker.Enqueue(t, &work);
  worker.Stop();
  CHECK(bound);
  REQUIRE(log[0].size() == 100);
  for (uint64_t t = 1; t <= 100; ++t) CHECK(log[0][t - 1] == t);
  CHECK(worker.last_ticket() == 100);
  worker.Enqueue(101, &work);  // after Stop: ignored
  CHECK(log[0].size() == 100);
}

TEST_CASE("concurrent submitters get one order per GPU, the same on shared GPUs",
          "[cuda][launch_order]") {
  constexpr uint32_t kGpus = 4;
  constexpr int kThreads = 4;
  constexpr int kOpsPerThread = 300;
  std::vector<std::vector<uint64_t>> log(kGpus);
  std::mutex mu;
  RecordingWork work(&log, &mu);
  Workers workers(kGpus);
  LaunchSequencer sequencer(workers.raw);
  std::map<uint64_t, std::vector<uint32_t>> gpus_of;  // ticket -> its GPUs
  std::mutex gpus_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < kOpsPerThread; ++i) {
        std::vector<uint32_t> gpus;
        for (uint32_t g = 0; g < kGpus; ++g) {
          if (rng() % 2) gpus.push_back(g);
        }
        if (gpus.empty()) gpus.push_back(rng() % kGpus);
        if (rng() % 2)
          std::reverse(gpus.begin(), gpus.end());  // listing order is irrelevant
        auto ticket = sequencer.Submit(gpus, &work);
        REQUIRE(ticket.ok());
        std::lock_guard lock(gpus_mu);
        gpus_of[*ticket] = gpus;
      }
    });
  }
  for (auto& th : threads) th.join();
  workers.StopAll();
  size_t total = 0;
  for (uint32_t g = 0; g < kGpus; ++g) {
    total += log[g].size();
    CHECK(std::is_sorted(log[g].begin(), log[g].end()));  // tickets only increase
  }
  size_t expected = 0;
  for (const auto& [ticket, gpus] : gpus_of) expected += gpus.size();
  CHECK(total == expected);
  CHECK(gpus_of.size() == size_t{kThreads} * kOpsPerThread);
}

TEST_CASE("ops that wait for each other across GPUs do not deadlock",
          "[cuda][launch_order]") {
  // Two groups on GPUs {0,1} submitting from two threads, each listing the
  // GPUs in its own order: with per-GPU order by ticket every op finds all
  // of its GPUs.
  constexpr int kOps = 200;
  Workers workers(2);
  LaunchSequencer sequencer(workers.raw);
  std::vector<std::unique_ptr<BarrierWork>> ops;
  for (int i = 0; i < 2 * kOps; ++i) ops.push_back(std::make_unique<BarrierWork>(2));
  std::thread a([&] {
    const uint32_t gpus[] = {0, 1};
    for (int i = 0; i < kOps; ++i) REQUIRE(sequencer.Submit(gpus, ops[2 * i].get()).ok());
  });
  std::thread b([&] {
    const uint32_t gpus[] = {1, 0};
    for (int i = 0; i < kOps; ++i)
      REQUIRE(sequencer.Submit(gpus, ops[2 * i + 1].get()).ok());
  });
  a.join();
  b.join();
  workers.StopAll();
  for (auto& op : ops) CHECK_FALSE(op->timed_out());
}

TEST_CASE("bad GPU lists are refused and queue nothing", "[cuda][launch_order]") {
  std::vector<std::vector<uint64_t>> log(2);
  std::mutex mu;
  RecordingWork work(&log, &mu);
  Workers workers(2);
  LaunchSequencer sequencer(workers.raw);
  const uint32_t twice[] = {1, 1};
  const uint32_t missing[] = {0, 2};
  CHECK(sequencer.Submit({}, &work).status().code() == StatusCode::kInvalidArgument);
  auto dup = sequencer.Submit(twice, &work);
  CHECK(dup.status().code() == StatusCode::kInvalidArgument);
  CHECK(dup.status().message().find("listed twice") != std::string::npos);
  auto out = sequencer.Submit(missing, &work);
  CHECK(out.status().message().find("GPU index 2 has no worker") != std::string::npos);
  workers.StopAll();
  CHECK(log[0].empty());
  CHECK(log[1].empty());
}

}  // namespace
}  // namespace ccs::cuda
