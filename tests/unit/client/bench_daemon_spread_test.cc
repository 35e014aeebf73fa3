#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "client/bench/daemon_spread.h"
#include "client/bench/report.h"

namespace ccs::bench {
namespace {

using Addresses = std::vector<std::string>;

TEST_CASE("ranks go to the daemons in contiguous blocks", "[bench]") {
  const Addresses addresses{"unix:///a", "unix:///b", "unix:///c"};
  REQUIRE(CheckDaemonSpread(addresses, 6).empty());
  REQUIRE(RanksPerDaemon(3, 6) == 2);
  std::vector<size_t> daemons;
  for (uint32_t r = 0; r < 6; ++r) daemons.push_back(DaemonOfRank(3, 6, r));
  REQUIRE(daemons == std::vector<size_t>{0, 0, 1, 1, 2, 2});
}

TEST_CASE("one daemon serves every rank", "[bench]") {
  REQUIRE(CheckDaemonSpread({"unix:///a"}, 7).empty());
  REQUIRE(RanksPerDaemon(1, 7) == 7);
  for (uint32_t r = 0; r < 7; ++r) REQUIRE(DaemonOfRank(1, 7, r) == 0);
  REQUIRE(DescribeDaemonBlock(1, 7, 0) == "ranks 0-6");
}

TEST_CASE("one rank per daemon", "[bench]") {
  REQUIRE(CheckDaemonSpread({"a", "b", "c", "d"}, 4).empty());
  for (uint32_t r = 0; r < 4; ++r) REQUIRE(DaemonOfRank(4, 4, r) == r);
  REQUIRE(DescribeDaemonBlock(4, 4, 3) == "rank 3");
}

TEST_CASE("a spread that does not divide evenly is refused", "[bench]") {
  REQUIRE_THAT(CheckDaemonSpread({"a", "b"}, 3), Catch::Contains("multiple"));
  REQUIRE_THAT(CheckDaemonSpread({"a", "b", "c"}, 2), Catch::Contains("3 daemons"));
  REQUIRE_FALSE(CheckDaemonSpread({}, 4).empty());
  REQUIRE_FALSE(CheckDaemonSpread({"a"}, 0).empty());
  REQUIRE_THAT(CheckDaemonSpread({"a", ""}, 2), Catch::Contains("address 2 of 2"));
}

TEST_CASE("blocks are named by their ranks", "[bench]") {
  REQUIRE(DescribeDaemonBlock(2, 8, 0) == "ranks 0-3");
  REQUIRE(DescribeDaemonBlock(2, 8, 1) == "ranks 4-7");
}

TEST_CASE("the header states the daemons and ranks per daemon", "[bench]") {
  BenchOptions o;
  o.ranks = 4;
  o.group = "g";
  o.addresses = {"unix:///a"};
  std::string one = FormatHeader(o, {"v1"}, {});
  REQUIRE_THAT(one, Catch::Contains("# ranks: 4 processes, daemons: 1 (4 ranks each), "
                                    "address: unix:///a, group: g\n# ccsd: v1\n"));

  o.addresses = {"unix:///a", "unix:///b"};
  std::string two = FormatHeader(o, {"v1", "v2"}, {});
  REQUIRE_THAT(two, Catch::Contains("daemons: 2 (2 ranks each)"));
  REQUIRE_THAT(two, Catch::Contains("# ccsd 0 (ranks 0-1, unix:///a): v1\n"));
  REQUIRE_THAT(two, Catch::Contains("# ccsd 1 (ranks 2-3, unix:///b): v2\n"));

  std::string none = FormatHeader(o, {}, {});
  REQUIRE_THAT(none, Catch::Contains("no daemon"));
  REQUIRE_THAT(none, !Catch::Contains("# ccsd"));
}

}  // namespace
}  // namespace ccs::bench
