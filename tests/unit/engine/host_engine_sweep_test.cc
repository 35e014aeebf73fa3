// Every kind x dtype x reduce op x rank count x element count x placement,
// against the scalar reference of engine_test_support.
#include <catch2/catch.hpp>
#include <initializer_list>

#include "daemon/core/types.h"
#include "daemon/engine/engine.h"
#include "tests/unit/engine/engine_test_support.h"

namespace ccs::testing {
namespace {

constexpr DataType kDtypes[] = {
    DataType::kInt8,    DataType::kUint8,      DataType::kInt32,
    DataType::kInt64,   DataType::kFloat16,    DataType::kBfloat16,
    DataType::kFloat32, DataType::kFloat64,    DataType::kUint32,
    DataType::kUint64,  DataType::kFloat8E4m3, DataType::kFloat8E5m2};
constexpr ReduceOp kOps[] = {ReduceOp::kSum, ReduceOp::kProd, ReduceOp::kMin,
                             ReduceOp::kMax, ReduceOp::kAvg};
constexpr size_t kRankCounts[] = {1, 2, 3, 4, 7};
// 5000 elements of any dtype exceed kThreshold, so those cases run split
// into parts on the pool.
constexpr uint64_t kCounts[] = {0, 1, 1023, 5000};
constexpr size_t kThreshold = 4096;
constexpr Placement kPlacements[] = {Placement::kSeparate, Placement::kInPlace,
                                     Placement::kMixed, Placement::kInPlaceOutBlock};

std::unique_ptr<Engine> SweepEngine() {
  HostEngineOptions options;
  options.threads = 3;
  options.parallel_threshold_bytes = kThreshold;
  return MakeHostEngine(options);
}

void RunCase(Engine& engine, const Case& c) {
  CaseRun run(c);
  const Status status = engine.Execute(run.plan());
  INFO(c.Describe());
  REQUIRE(status.ok());
  CHECK(run.Verify() == "");
}

void Sweep(std::initializer_list<CollectiveKind> kinds) {
  const auto engine = SweepEngine();
  for (CollectiveKind kind : kinds) {
    for (DataType dtype : kDtypes) {
      for (ReduceOp op : kOps) {
        if (!IsReduction(kind) && op != ReduceOp::kSum) continue;
        for (size_t n : kRankCounts) {
          if (kind == CollectiveKind::kSend && n != 2) continue;
          for (uint64_t count : kCounts) {
            for (Placement placement : kPlacements) {
              if (!PlacementApplies(kind, placement)) continue;
              Case c{kind, dtype, op, n, count, placement, static_cast<uint32_t>(n / 2)};
              RunCase(*engine, c);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("all_reduce and reduce match the reference for every dtype, op and layout",
          "[engine][host][sweep]") {
  Sweep({CollectiveKind::kAllReduce, CollectiveKind::kReduce});
}

TEST_CASE("reduce_scatter and reduce_scatter_v match the reference",
          "[engine][host][sweep]") {
  Sweep({CollectiveKind::kReduceScatter, CollectiveKind::kReduceScatterV});
}

TEST_CASE("all_gather, all_gather_v and gather match the reference",
          "[engine][host][sweep]") {
  Sweep(
      {CollectiveKind::kAllGather, CollectiveKind::kAllGatherV, CollectiveKind::kGather});
}

TEST_CASE("broadcast, scatter and send match the reference", "[engine][host][sweep]") {
  Sweep({CollectiveKind::kBroadcast, CollectiveKind::kScatter, CollectiveKind::kSend});
}

TEST_CASE("all_to_all and all_to_all_v match the reference", "[engine][host][sweep]") {
  Sweep({CollectiveKind::kAllToAll, CollectiveKind::kAllToAllV});
}

TEST_CASE("barrier succeeds and touches nothing", "[engine][host][sweep]") {
  Sweep({CollectiveKind::kBarrier});
}

TEST_CASE("the default engine runs ops above the default threshold correctly",
          "[engine][host]") {
  const auto engine = MakeHostEngine(HostEngineOptions{});
  // 300k float32 = 1.2 MB per rank, above the default 1 MiB threshold.
  for (CollectiveKind kind : {CollectiveKind::kAllReduce, CollectiveKind::kReduceScatter,
                              CollectiveKind::kAllGather, CollectiveKind::kAllToAll}) {
    for (Placement placement : {Placement::kSeparate, Placement::kInPlace}) {
      RunCase(*engine,
              Case{kind, DataType::kFloat32, ReduceOp::kSum, 4, 300'000, placement, 0});
    }
  }
  RunCase(*engine, Case{CollectiveKind::kAllReduce, DataType::kBfloat16, ReduceOp::kAvg,
                        3, 700'001, Placement::kMixed, 0});
}

TEST_CASE("a single-threaded engine matches the reference", "[engine][host]") {
  HostEngineOptions options;
  options.threads = 1;
  options.parallel_threshold_bytes = 0;
  const auto engine = MakeHostEngine(options);
  for (CollectiveKind kind : {CollectiveKind::kAllReduce, CollectiveKind::kReduceScatterV,
                              CollectiveKind::kAllGatherV, CollectiveKind::kAllToAllV}) {
    for (Placement placement : {Placement::kSeparate, Placement::kInPlace}) {
      RunCase(*engine,
              Case{kind, DataType::kFloat16, ReduceOp::kMax, 3, 777, placement, 2});
    }
  }
}

}  // namespace
}  // namespace ccs::testing
