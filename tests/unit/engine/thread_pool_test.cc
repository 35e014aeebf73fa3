// ThreadPool: every part runs exactly once, with any number of callers.
#include "daemon/engine/host/thread_pool.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

namespace ccs::host {
namespace {

// Runs a loop of `parts` and returns true when each part ran exactly once.
bool RunsEachPartOnce(ThreadPool& pool, size_t parts) {
  std::vector<std::atomic<int>> hits(parts);
  pool.ParallelFor(parts, [&](size_t p) { hits[p].fetch_add(1); });
  for (auto& h : hits) {
    if (h.load() != 1) return false;
  }
  return true;
}

TEST_CASE("ParallelFor runs every part exactly once", "[thread_pool]") {
  for (unsigned workers : {0u, 1u, 3u}) {
    ThreadPool pool(workers);
    CHECK(pool.workers() == workers);
    for (size_t parts : {0u, 1u, 2u, 7u, 100u}) {
      INFO("workers " << workers << " parts " << parts);
      CHECK(RunsEachPartOnce(pool, parts));
    }
  }
}

TEST_CASE("ParallelFor is safe with many concurrent callers", "[thread_pool]") {
  ThreadPool pool(2);
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 6; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (!RunsEachPartOnce(pool, 1 + (i % 9))) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : callers) t.join();
  CHECK(failures.load() == 0);
}

TEST_CASE("a part may itself call ParallelFor", "[thread_pool]") {
  ThreadPool pool(2);
  std::atomic<int> inner{0};
  pool.ParallelFor(
      4, [&](size_t) { pool.ParallelFor(3, [&](size_t) { inner.fetch_add(1); }); });
  CHECK(inner.load() == 12);
}

}  // namespace
}  // namespace ccs::host
