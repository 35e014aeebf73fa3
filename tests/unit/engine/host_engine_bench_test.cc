// Throughput check, hidden by default: run with `engine_host_test [.bench]`.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <iostream>
#include <vector>

#include "daemon/engine/engine.h"
#include "tests/unit/engine/engine_test_support.h"

namespace ccs {
namespace {

using testing::HostIo;

template <typename Fn>
double BestSeconds(int runs, Fn&& fn) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  return best;
}

TEST_CASE("all_reduce float32 sum, 4 ranks x 64 MiB, vs memcpy of 64 MiB", "[.bench]") {
  constexpr size_t kRanks = 4;
  constexpr size_t kBytes = size_t{64} << 20;
  constexpr size_t kCount = kBytes / sizeof(float);
  std::vector<std::vector<float>> in(kRanks, std::vector<float>(kCount, 1.0f));
  std::vector<std::vector<float>> out(kRanks, std::vector<float>(kCount, 0.0f));
  OpPlan plan;
  plan.kind = CollectiveKind::kAllReduce;
  plan.dtype = DataType::kFloat32;
  plan.op = ReduceOp::kSum;
  plan.count = kCount;
  for (size_t r = 0; r < kRanks; ++r) {
    plan.ranks.push_back(HostIo(reinterpret_cast<const std::byte*>(in[r].data()),
                                reinterpret_cast<std::byte*>(out[r].data()), kCount,
                                kCount));
  }
  for (unsigned threads : {1u, 0u}) {
    HostEngineOptions options;
    options.threads = threads;
    const auto engine = MakeHostEngine(options);
    REQUIRE(engine->Execute(plan).ok());  // warm-up
    const double seconds = BestSeconds(10, [&] { REQUIRE(engine->Execute(plan).ok()); });
    std::cout << "all_reduce f32 sum 4x64MiB, threads=" << threads << ": "
              << seconds * 1e3 << " ms (" << kRanks * kBytes / seconds / 1e9
              << " GB/s of input)\n";
  }
  CHECK(out[3][kCount - 1] == 4.0f);
  std::vector<std::byte> src(kBytes, std::byte{1}), dst(kBytes);
  std::memcpy(dst.data(), src.data(), kBytes);  // fault pages in
  const double copy =
      BestSeconds(3, [&] { std::memcpy(dst.data(), src.data(), kBytes); });
  std::cout << "memcpy 64MiB single thread: " << copy * 1e3 << " ms ("
            << kBytes / copy / 1e9 << " GB/s)\n";
}

}  // namespace
}  // namespace ccs
