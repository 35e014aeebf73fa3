// Subgroups formed from a parent group without a rendezvous round: Split by
// (color, key), NewSubgroup of listed ranks, a split of a split, and a
// single-rank group, on one daemon and across 2-3 daemons; vLLM's
// model-parallel groups formed the same way. Every new group's membership
// and rank order are checked and one all_reduce on it verified.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness/cluster_processes.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"
#include "harness/test_env.h"

namespace ccs::it {
namespace {

constexpr const char* kSteps[] = {"split", "subgroup", "nested", "single"};

void RequireSubgroupsOk(RankProcesses& ranks) {
  for (const RankResult& r : RequireAllExitOk(ranks, std::chrono::seconds(120))) {
    for (const char* step : kSteps) {
      if (std::string(step) == "nested" && r.out.find("step=nested") == std::string::npos) {
        continue;  // no split group, nothing nested (cannot happen: every rank has a parity)
      }
      RequireCode(r, step, "OK");
    }
  }
}

}  // namespace

TEST_CASE("subgroups of a group on one daemon", "[subgroup]") {
  const uint32_t world = GENERATE(4u, 5u);
  DYNAMIC_SECTION(world << " ranks") {
    DaemonProcess daemon(WithFlags({}));
    RankProcesses ranks;
    for (uint32_t r = 0; r < world; ++r) {
      ranks.Start(RankArgs("subgroups", daemon, "parent", world, r, {}));
    }
    RequireSubgroupsOk(ranks);
  }
}

TEST_CASE("subgroups of a group across daemons", "[subgroup][multinode]") {
  struct Case {
    const char* name;
    size_t nodes;
    std::vector<size_t> node_of;
  };
  // Parity groups cross every node; {world-1, 0} joins the last and first.
  const Case cases[] = {
      {"3 daemons x 2 ranks", 3, {0, 0, 1, 1, 2, 2}},
      {"2 daemons, ranks interleaved", 2, {0, 1, 0, 1, 0}},
  };
  const Case& c = cases[GENERATE(0, 1)];
  DYNAMIC_SECTION(c.name) {
    ClusterOptions options;
    options.nodes = c.nodes;
    ClusterProcesses cluster(options);
    RankProcesses ranks;
    const auto world = static_cast<uint32_t>(c.node_of.size());
    for (uint32_t r = 0; r < world; ++r) {
      ranks.Start(RankArgs("subgroups", cluster.node(c.node_of[r]), "parent", world, r, {}));
    }
    RequireSubgroupsOk(ranks);
  }
}

TEST_CASE("vLLM's model-parallel groups as subgroups of the world group, across daemons",
          "[subgroup][multinode]") {
  ClusterOptions options;
  options.nodes = 2;
  ClusterProcesses cluster(options);
  RankProcesses ranks;
  // World 8 = tp 2 x pp 2 x dp 2, 4 ranks per daemon; subgroups of the
  // world group, or (by name) one rendezvous round per group.
  const bool by_name = GENERATE(false, true);
  const std::vector<std::string> extra =
      by_name ? std::vector<std::string>{"--by-name"} : std::vector<std::string>{};
  for (uint32_t r = 0; r < 8; ++r) {
    ranks.Start(RankArgs("model-parallel", cluster.node(r / 4), "world", 8, r, extra));
  }
  for (const RankResult& r : RequireAllExitOk(ranks, std::chrono::seconds(120))) {
    RequireCode(r, "layout", "OK");
    for (const char* kind : {"tp", "dcp", "pcp", "pp", "dp", "ep"}) {
      const ResultLine line = RequireCode(r, kind, "OK");
      CHECK(Get(line, "member") == "1");
    }
  }
}

}  // namespace ccs::it
