#include <catch2/catch.hpp>

#include "client/bench/layout.h"
#include "client/bench/report.h"

namespace ccs::bench {
namespace {

TEST_CASE("bus bandwidth factors are nccl-tests'", "[bench]") {
  REQUIRE(BusBandwidthFactor(CollectiveKind::kAllReduce, 4) == Approx(1.5));
  REQUIRE(BusBandwidthFactor(CollectiveKind::kAllGather, 4) == Approx(0.75));
  REQUIRE(BusBandwidthFactor(CollectiveKind::kReduceScatter, 8) == Approx(0.875));
  REQUIRE(BusBandwidthFactor(CollectiveKind::kAllToAll, 2) == Approx(0.5));
  REQUIRE(BusBandwidthFactor(CollectiveKind::kGather, 4) == Approx(0.75));
  REQUIRE(BusBandwidthFactor(CollectiveKind::kScatter, 4) == Approx(0.75));
  REQUIRE(BusBandwidthFactor(CollectiveKind::kBroadcast, 4) == 1.0);
  REQUIRE(BusBandwidthFactor(CollectiveKind::kReduce, 4) == 1.0);
  REQUIRE(BusBandwidthFactor(CollectiveKind::kAllReduce, 1) == 0.0);
}

TEST_CASE("size is the largest per-rank buffer and count the call's count", "[bench]") {
  // 4 ranks, float32, 1 MiB.
  const uint64_t size = 1 << 20;
  Layout ar = LayoutFor(CollectiveKind::kAllReduce, size, 4, 4);
  REQUIRE(ar.count == size / 4);
  REQUIRE(ar.send_elems == ar.count);
  REQUIRE(ar.recv_elems == ar.count);
  REQUIRE(ar.size_bytes == size);

  Layout ag = LayoutFor(CollectiveKind::kAllGather, size, 4, 4);
  REQUIRE(ag.count == size / 16);
  REQUIRE(ag.send_elems == ag.count);
  REQUIRE(ag.recv_elems == 4 * ag.count);
  REQUIRE(ag.size_bytes == size);

  Layout rs = LayoutFor(CollectiveKind::kReduceScatter, size, 4, 4);
  REQUIRE(rs.send_elems == 4 * rs.count);
  REQUIRE(rs.recv_elems == rs.count);
  REQUIRE(rs.size_bytes == size);

  Layout a2a = LayoutFor(CollectiveKind::kAllToAll, size, 4, 4);
  REQUIRE(a2a.send_elems == a2a.recv_elems);
  REQUIRE(a2a.send_elems * 4 == size);

  Layout sc = LayoutFor(CollectiveKind::kScatter, size, 4, 4);
  REQUIRE(sc.send_elems == 4 * sc.count);
  Layout ga = LayoutFor(CollectiveKind::kGather, size, 4, 4);
  REQUIRE(ga.recv_elems == 4 * ga.count);
}

TEST_CASE("sizes round down to whole blocks, at least one element each", "[bench]") {
  Layout tiny = LayoutFor(CollectiveKind::kAllGather, 8, 4, 4);
  REQUIRE(tiny.count == 1);
  REQUIRE(tiny.size_bytes == 16);
  Layout odd = LayoutFor(CollectiveKind::kAllGather, 100, 4, 3);
  REQUIRE(odd.count == 8);
  REQUIRE(odd.size_bytes == 96);
}

TEST_CASE("the sweep multiplies by the factor up to the max, inclusive", "[bench]") {
  REQUIRE(SweepSizes(8, 64, 2) == std::vector<uint64_t>{8, 16, 32, 64});
  REQUIRE(SweepSizes(8, 100, 4) == std::vector<uint64_t>{8, 32});
  REQUIRE(SweepSizes(64, 64, 2) == std::vector<uint64_t>{64});
  REQUIRE(SweepSizes(1, UINT64_MAX, uint64_t{1} << 32).size() == 2);
}

TEST_CASE("sizes that round to the same layout are measured once", "[bench]") {
  auto layouts = SweepLayouts(CollectiveKind::kAllGather, SweepSizes(1, 64, 2), 4, 4);
  // 1..16 bytes all become one float per rank (16 B); then 32 and 64.
  REQUIRE(layouts.size() == 3);
  REQUIRE(layouts[0].size_bytes == 16);
  REQUIRE(layouts[2].size_bytes == 64);
}

TEST_CASE("algbw is size over time and busbw applies the factor", "[bench]") {
  Layout l = LayoutFor(CollectiveKind::kAllReduce, 1'000'000, 4, 4);
  ResultRow row = MakeRow(CollectiveKind::kAllReduce, l, DataType::kFloat32,
                          ReduceOp::kSum, 4, 100.0, std::nullopt);
  REQUIRE(row.algbw_gbps == Approx(10.0));  // 1e6 B / 100 us
  REQUIRE(row.busbw_gbps == Approx(15.0));
  const std::string line = FormatRow(row);
  REQUIRE_THAT(line, Catch::Contains("1000000"));
  REQUIRE_THAT(line, Catch::Contains("float32"));
  REQUIRE_THAT(line, Catch::Contains("sum"));
  REQUIRE_THAT(line, Catch::Contains("N/A"));
}

}  // namespace
}  // namespace ccs::bench
