// A warm host engine executes ops without touching the heap.
//
// This file replaces the global operator new/delete of the test binary
// with malloc/free plus a counter that is only read around Execute calls.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>

#include "daemon/core/types.h"
#include "daemon/engine/engine.h"
#include "tests/unit/engine/engine_test_support.h"

namespace {

std::atomic<long> g_allocations{0};

void* CountedAlloc(std::size_t size) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size > 0 ? size : 1);
}

void* CountedAllocOrThrow(std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}

}  // namespace

// Every replaceable form (except the aligned ones, which nothing here uses),
// so each allocation and its release go through the same malloc/free pair.
void* operator new(std::size_t size) { return CountedAllocOrThrow(size); }
void* operator new[](std::size_t size) { return CountedAllocOrThrow(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace ccs::testing {
namespace {

TEST_CASE("a warm engine executes every kind without heap allocation", "[engine][host]") {
  HostEngineOptions options;
  options.threads = 2;
  options.parallel_threshold_bytes = 4096;
  const auto engine = MakeHostEngine(options);
  for (CollectiveKind kind :
       {CollectiveKind::kAllReduce, CollectiveKind::kAllGather,
        CollectiveKind::kAllGatherV, CollectiveKind::kReduceScatter,
        CollectiveKind::kReduceScatterV, CollectiveKind::kReduce,
        CollectiveKind::kBroadcast, CollectiveKind::kGather, CollectiveKind::kScatter,
        CollectiveKind::kAllToAll, CollectiveKind::kAllToAllV, CollectiveKind::kSend,
        CollectiveKind::kBarrier}) {
    for (uint64_t count : {uint64_t{10}, uint64_t{5000}}) {  // serial and parallel
      const Case c{kind,
                   DataType::kFloat16,
                   ReduceOp::kAvg,
                   kind == CollectiveKind::kSend ? 2u : 4u,
                   count,
                   Placement::kSeparate,
                   1};
      CaseRun run(c);
      REQUIRE(engine->Execute(run.plan()).ok());  // warm-up: per-thread tables
      const long before = g_allocations.load();
      const Status status = engine->Execute(run.plan());
      const long allocations = g_allocations.load() - before;
      INFO(c.Describe());
      REQUIRE(status.ok());
      CHECK(allocations == 0);
    }
  }
}

}  // namespace
}  // namespace ccs::testing
