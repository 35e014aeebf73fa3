// Every collective x dtype x count x placement on real ccsd processes, for
// world sizes 1..4, each rank checking its whole output (and the bytes around
// it) against a reference it computes itself.
//
// Sizes: counts {0, 1, 1001} run the full product (every op of every
// reduction, both placements). The large count (>= 4 MiB of input per rank)
// runs every collective x dtype in both placements for every world size, with
// one reduce op per (kind, dtype, placement), rotated so that every op runs
// large; world size 2 additionally runs every op large (--large-all-ops).
// World size 7 (odd, more ranks than cores) runs the small counts only: its
// large cases alone take over a minute on two cores.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/test_env.h"

namespace ccs::it {
namespace {

constexpr auto kSweepDeadline = std::chrono::minutes(4);
const std::string kLargeBytes = std::to_string(4 << 20);

// Starts `world` sweep workers of group `group` on `daemon`.
void StartSweep(RankProcesses& ranks, const DaemonProcess& daemon,
                const std::string& group, uint32_t world,
                const std::vector<std::string>& extra) {
  for (uint32_t r = 0; r < world; ++r) {
    std::vector<std::string> args = {"sweep",
                                     "--addr",
                                     daemon.address(),
                                     "--group",
                                     group,
                                     "--world",
                                     std::to_string(world),
                                     "--rank",
                                     std::to_string(r)};
    args.insert(args.end(), extra.begin(), extra.end());
    ranks.Start(args);
  }
}

void RequireAllOk(const std::vector<RankResult>& results) {
  std::string failure = FirstFailure(results);
  INFO(failure);
  REQUIRE(failure.empty());
  for (const auto& r : results) {
    INFO(Describe(r));
    CHECK(r.out.find("SWEEP OK") != std::string::npos);
  }
}

}  // namespace

TEST_CASE("reference float16/bfloat16/float8 conversions are right", "[collectives]") {
  CommandResult r = RunCommand({RankWorkerPath(), "selftest"}, std::chrono::seconds(30));
  INFO(r.out + r.err);
  REQUIRE(r.status.ok());
}

TEST_CASE("every collective, dtype, count and placement is exact on every rank",
          "[collectives]") {
  const uint32_t world = GENERATE(1u, 2u, 3u, 4u);
  DYNAMIC_SECTION("world size " << world) {
    DaemonOptions opts;
    opts.log_level = "info";  // debug logs every op of the sweep
    DaemonProcess daemon(opts);
    RankProcesses ranks;
    std::vector<std::string> extra = {"--large-bytes", kLargeBytes};
    if (world == 2) extra.push_back("--large-all-ops");
    StartSweep(ranks, daemon, "sweep-" + std::to_string(world), world, extra);
    RequireAllOk(ranks.WaitAll(kSweepDeadline));
  }
}

TEST_CASE("seven ranks, more than the cores, are exact at small counts",
          "[collectives]") {
  DaemonOptions opts;
  opts.log_level = "info";
  DaemonProcess daemon(opts);
  RankProcesses ranks;
  StartSweep(ranks, daemon, "seven", 7, {"--counts", "0,1,1001"});
  RequireAllOk(ranks.WaitAll(kSweepDeadline));
}

TEST_CASE("views at odd byte offsets are exact", "[collectives]") {
  // Offsets are in bytes and need not be element-aligned; 300007 elements of
  // a 4- or 8-byte dtype are past the host engine's 1 MiB parallel threshold.
  DaemonOptions opts;
  opts.log_level = "info";
  DaemonProcess daemon(opts);
  RankProcesses ranks;
  StartSweep(ranks, daemon, "misaligned", 2,
             {"--misalign", "3", "--counts", "0,1,1001,300007"});
  RequireAllOk(ranks.WaitAll(kSweepDeadline));
}

TEST_CASE("two groups on one daemon run their sweeps concurrently", "[collectives]") {
  DaemonOptions opts;
  opts.log_level = "info";
  DaemonProcess daemon(opts);
  RankProcesses ranks;
  // Large ops of both groups overlap in the daemon's engine.
  const std::vector<std::string> extra = {"--large-bytes", kLargeBytes,
                                          "--large-out-of-place-only"};
  StartSweep(ranks, daemon, "concurrent-a", 2, extra);
  StartSweep(ranks, daemon, "concurrent-b", 3, extra);
  RequireAllOk(ranks.WaitAll(kSweepDeadline));
}

TEST_CASE("one session drives four groups from four threads at once", "[collectives]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  for (uint32_t r = 0; r < 3; ++r) {
    ranks.Start({"multi-group", "--addr", daemon.address(), "--group", "threads",
                 "--groups", "4", "--world", "3", "--rank", std::to_string(r), "--iters",
                 "100"});
  }
  auto results = ranks.WaitAll(kSweepDeadline);
  std::string failure = FirstFailure(results);
  INFO(failure);
  REQUIRE(failure.empty());
}

TEST_CASE("a 64-rank group forms and reduces", "[collectives]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  for (uint32_t r = 0; r < 64; ++r) {
    ranks.Start({"join", "--addr", daemon.address(), "--group", "wide", "--world", "64",
                 "--rank", std::to_string(r), "--timeout-ms", "60000", "--allreduce"});
  }
  auto results = ranks.WaitAll(kSweepDeadline);
  std::string failure = FirstFailure(results);
  INFO(failure);
  REQUIRE(failure.empty());
  for (const auto& r : results) {
    INFO(Describe(r));
    CHECK(Get(FindStep(r.out, "allreduce"), "code") == "OK");
  }
}

TEST_CASE("two daemons serve same-named groups independently", "[collectives]") {
  DaemonOptions opts;
  opts.log_level = "info";
  DaemonProcess first(opts);
  DaemonProcess second(opts);
  RankProcesses ranks;
  const std::vector<std::string> small = {"--counts", "0,1,1001"};
  StartSweep(ranks, first, "same-name", 2, small);
  StartSweep(ranks, second, "same-name", 2, small);
  RequireAllOk(ranks.WaitAll(kSweepDeadline));
}

}  // namespace ccs::it
