#include "client/bench/memcpy_baseline.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace ccs::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kMinSeconds = 0.2;
constexpr int kMinReps = 3;

// Runs copy(reps) with growing reps until it takes kMinSeconds; returns
// bytes * reps / seconds / 1e9 of the last run.
template <typename Copy>
double Measure(uint64_t bytes, Copy copy) {
  copy(1);  // warm up caches and page tables
  for (int reps = kMinReps;; reps *= 2) {
    const auto start = Clock::now();
    copy(reps);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (seconds >= kMinSeconds || reps >= (1 << 20)) {
      return static_cast<double>(bytes) * reps / seconds / 1e9;
    }
  }
}

}  // namespace

MemcpyBandwidth MeasureMemcpy(uint64_t bytes) {
  MemcpyBandwidth result;
  result.bytes = std::max<uint64_t>(bytes, 1);
  result.threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<char> src(result.bytes, 1), dst(result.bytes, 0);

  result.single_thread_gbps = Measure(result.bytes, [&](int reps) {
    for (int i = 0; i < reps; ++i) std::memcpy(dst.data(), src.data(), result.bytes);
  });

  const uint64_t slice = (result.bytes + result.threads - 1) / result.threads;
  result.all_cores_gbps = Measure(result.bytes, [&](int reps) {
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < result.threads; ++t) {
      const uint64_t begin = std::min<uint64_t>(t * slice, result.bytes);
      const uint64_t end = std::min<uint64_t>(begin + slice, result.bytes);
      threads.emplace_back([&, begin, end] {
        for (int i = 0; i < reps; ++i) {
          std::memcpy(dst.data() + begin, src.data() + begin, end - begin);
        }
      });
    }
    for (auto& t : threads) t.join();
  });
  return result;
}

}  // namespace ccs::bench
