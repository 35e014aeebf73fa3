#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "client/bench/gloo_baseline.h"
#include "client/bench/report.h"

namespace ccs::bench {
namespace {

ResultRow Row(uint64_t size_bytes, double time_us) {
  Layout l = LayoutFor(CollectiveKind::kAllReduce, size_bytes, 4, 2);
  return MakeRow(CollectiveKind::kAllReduce, l, DataType::kFloat32, ReduceOp::kSum, 2,
                 time_us, uint64_t{0});
}

TEST_CASE("gloo runs all_reduce, all_gather and broadcast", "[bench]") {
  REQUIRE(GlooUnsupported(CollectiveKind::kAllReduce, DataType::kFloat32, ReduceOp::kSum)
              .empty());
  REQUIRE(GlooUnsupported(CollectiveKind::kAllReduce, DataType::kFloat16, ReduceOp::kMax)
              .empty());
  REQUIRE(GlooUnsupported(CollectiveKind::kAllGather, DataType::kBfloat16, ReduceOp::kAvg)
              .empty());
  REQUIRE(GlooUnsupported(CollectiveKind::kBroadcast, DataType::kInt8, ReduceOp::kSum)
              .empty());
  REQUIRE_THAT(
      GlooUnsupported(CollectiveKind::kAllReduce, DataType::kFloat32, ReduceOp::kAvg),
      Catch::Contains("avg"));
  REQUIRE_THAT(
      GlooUnsupported(CollectiveKind::kAllReduce, DataType::kBfloat16, ReduceOp::kSum),
      Catch::Contains("bfloat16"));
  REQUIRE_THAT(
      GlooUnsupported(CollectiveKind::kAllReduce, DataType::kFloat8E4m3, ReduceOp::kSum),
      Catch::Contains("float8"));
  REQUIRE(GlooUnsupported(CollectiveKind::kAllReduce, DataType::kUint64, ReduceOp::kMax)
              .empty());
  REQUIRE_FALSE(
      GlooUnsupported(CollectiveKind::kReduceScatter, DataType::kFloat32, ReduceOp::kSum)
          .empty());
}

TEST_CASE("gloo skips what it cannot run and says so", "[bench]") {
  BenchOptions o;
  o.ranks = 2;
  o.collectives = {CollectiveKind::kAllReduce, CollectiveKind::kReduceScatter,
                   CollectiveKind::kBroadcast};
  REQUIRE(GlooCollectives(o) == std::vector<CollectiveKind>{CollectiveKind::kAllReduce,
                                                            CollectiveKind::kBroadcast});
  REQUIRE_THAT(DescribeGlooBaseline(o), Catch::Contains("no reduce_scatter"));
  REQUIRE_THAT(DescribeGlooBaseline(o), Catch::Contains("127.0.0.1"));
  o.op = ReduceOp::kAvg;
  REQUIRE(GlooCollectives(o) == std::vector<CollectiveKind>{CollectiveKind::kBroadcast});
}

TEST_CASE("compare rows carry the impl and ccs/gloo", "[bench]") {
  const ResultRow ccs = Row(1 << 20, 300.0);
  const std::string plain = FormatRow(ccs);
  const std::string labelled = FormatRow(ccs, "ccs", 1.5);
  REQUIRE(labelled.substr(0, plain.size() - 1) == plain.substr(0, plain.size() - 1));
  REQUIRE_THAT(labelled, Catch::EndsWith("   ccs      1.50\n"));
  REQUIRE_THAT(FormatRow(ccs, "gloo"), Catch::EndsWith("  gloo         -\n"));
  REQUIRE_THAT(FormatTableHeader(CollectiveKind::kAllReduce, true),
               Catch::Contains("impl  ccs/gloo"));
  REQUIRE_THAT(FormatTableHeader(CollectiveKind::kAllReduce), !Catch::Contains("impl"));
}

TEST_CASE("the ratio summary is the geometric mean over paired sizes", "[bench]") {
  const std::vector<ResultRow> ccs{Row(1024, 100), Row(4096, 400)};
  const std::vector<ResultRow> gloo{Row(1024, 400), Row(4096, 100)};
  const std::string s = FormatRatioSummary(CollectiveKind::kAllReduce, ccs, gloo);
  REQUIRE_THAT(s, Catch::Contains("geomean 1.00 over 2 sizes"));
  REQUIRE_THAT(s, Catch::Contains("min 0.25 (1024 B)"));
  REQUIRE_THAT(s, Catch::Contains("max 4.00 (4096 B)"));
  REQUIRE(FormatRatioSummary(CollectiveKind::kAllReduce, ccs, {}).empty());
  // Rows of different sizes are not compared.
  REQUIRE(FormatRatioSummary(CollectiveKind::kAllReduce, {Row(1024, 1)}, {Row(4096, 1)})
              .empty());
}

TEST_CASE("footers name the impl and count wrong elements", "[bench]") {
  std::vector<ResultRow> rows{Row(1024, 100), Row(4096, 100)};
  rows[1].wrong = 3;
  REQUIRE_THAT(FormatFooter(CollectiveKind::kAllReduce, rows),
               Catch::StartsWith("# all_reduce: out of bounds values: 3 FAILED"));
  REQUIRE_THAT(FormatFooter(CollectiveKind::kAllReduce, rows, "gloo"),
               Catch::StartsWith("# all_reduce (gloo): out of bounds values: 3 FAILED"));
}

}  // namespace
}  // namespace ccs::bench
