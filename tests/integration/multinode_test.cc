// Groups across nodes: 2-3 ccsd processes on loopback, each a node with its
// own socket dir, node name and peer port, and ranks spread over them.
// Every collective is verified across nodes; formation timeouts, mismatches
// and a daemon killed mid-collective reach every rank as clear errors.
#include <signal.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness/cluster_processes.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"

namespace ccs::it {
namespace {

using Strings = std::vector<std::string>;

// Node of each rank: `per_node` consecutive ranks per node, or round robin.
std::vector<size_t> Layout(size_t nodes, size_t world, bool interleaved) {
  std::vector<size_t> node_of(world);
  for (size_t r = 0; r < world; ++r) node_of[r] = interleaved ? r % nodes : r * nodes / world;
  return node_of;
}

ClusterOptions Nodes(size_t n, Strings flags = {}) {
  ClusterOptions o;
  o.nodes = n;
  o.extra_args = std::move(flags);
  return o;
}

}  // namespace

TEST_CASE("every collective runs across nodes with verified results", "[multinode]") {
  struct Case {
    const char* name;
    size_t nodes;
    std::vector<size_t> node_of;  // per rank
    Strings extra;
  };
  const Case cases[] = {
      {"3 daemons x 2 ranks, large ops chunked", 3, Layout(3, 6, false),
       {"--large-bytes", "9437184"}},
      {"2 daemons x 2 ranks, ranks interleaved", 2, Layout(2, 4, true), {}},
      {"2 daemons with 1 and 3 ranks", 2, {0, 1, 1, 1}, {}},
  };
  const Case& c = cases[GENERATE(0, 1, 2)];
  DYNAMIC_SECTION(c.name) {
    ClusterProcesses cluster(Nodes(c.nodes, {"--op-timeout-ms", "60000"}));
    RankProcesses ranks;
    const auto world = static_cast<uint32_t>(c.node_of.size());
    for (uint32_t r = 0; r < world; ++r) {
      ranks.Start(RankArgs("sweep", cluster.node(c.node_of[r]), "sweep", world, r, c.extra));
    }
    for (const RankResult& r : RequireAllExitOk(ranks, std::chrono::seconds(400))) {
      INFO(r.out);
      CHECK(r.out.find("SWEEP OK") != std::string::npos);
    }
  }
}

TEST_CASE("formation across nodes times out naming the ranks that never joined",
          "[multinode]") {
  ClusterProcesses cluster(Nodes(2));
  RankProcesses ranks;
  // Ranks 0, 1 on n0 and 2 on n1 join; rank 3 never comes.
  const std::vector<size_t> node_of = {0, 0, 1};
  for (uint32_t r = 0; r < 3; ++r) {
    ranks.Start(RankArgs("join", cluster.node(node_of[r]), "late", 4, r,
                         {"--timeout-ms", "3000"}));
  }
  for (const RankResult& r : RequireAllExitOk(ranks)) {
    const ResultLine line = RequireCode(r, "join", "DEADLINE_EXCEEDED");
    INFO(Get(line, "message"));
    CHECK(MentionsRank(Get(line, "message"), 3));
    CHECK_FALSE(MentionsRank(Get(line, "message"), 2));
  }
  // The name forms again, as a new epoch, once every rank comes.
  RankProcesses again;
  for (uint32_t r = 0; r < 4; ++r) {
    again.Start(RankArgs("join", cluster.node(r < 2 ? 0 : 1), "late", 4, r,
                         {"--timeout-ms", "20000", "--allreduce"}));
  }
  for (const RankResult& r : RequireAllExitOk(again)) {
    const ResultLine line = RequireCode(r, "join", "OK");
    CHECK(GetInt(line, "epoch") >= 2);
    RequireCode(r, "allreduce", "OK");
  }
}

TEST_CASE("ranks on different nodes calling different collectives get INVALID_ARGUMENT",
          "[multinode]") {
  ClusterProcesses cluster(Nodes(2));
  RankProcesses ranks;
  ranks.Start(RankArgs("call", cluster.node(0), "mm", 2, 0,
                       {"--kind", "all_reduce", "--count", "64", "--timeout-ms", "20000"}));
  ranks.Start(RankArgs("call", cluster.node(1), "mm", 2, 1,
                       {"--kind", "broadcast", "--count", "64", "--timeout-ms", "20000"}));
  for (const RankResult& r : RequireAllExitOk(ranks)) {
    const ResultLine line = RequireCode(r, "op", "INVALID_ARGUMENT");
    const std::string message = Get(line, "message");
    INFO(message);
    CHECK(message.find("all_reduce") != std::string::npos);
    CHECK(message.find("broadcast") != std::string::npos);
    CHECK(message.find("node n1") != std::string::npos);
    CHECK(Get(line, "recv_unchanged") == "1");
  }
}

TEST_CASE("a daemon killed mid-collective fails the other nodes' ranks naming it",
          "[multinode]") {
  constexpr int64_t kOpTimeoutMs = 30000;
  ClusterProcesses cluster(Nodes(3, {"--op-timeout-ms", std::to_string(kOpTimeoutMs)}));
  RankProcesses ranks;
  // Ranks 0-1 on n0 and 2-3 on n1 call all_reduce; 4-5 on n2 only join, so
  // n0 and n1 are inside the op, waiting for n2, when n2 dies.
  std::vector<size_t> callers;
  for (uint32_t r = 0; r < 6; ++r) {
    const size_t node = r / 2;
    if (node == 2) {
      ranks.Start(RankArgs("join", cluster.node(node), "g", 6, r, {"--hold"}));
    } else {
      callers.push_back(ranks.Start(RankArgs(
          "call", cluster.node(node), "g", 6, r,
          {"--kind", "all_reduce", "--count", "1024", "--announce", "--hold"})));
    }
  }
  for (size_t i : callers) REQUIRE(ranks.WaitForOutput(i, "CALLING", std::chrono::seconds(30)));
  RequireArrived(cluster.node(0), "g", 2);
  const int64_t killed_at = MonotonicMs();
  cluster.node(2).Signal(SIGKILL);
  for (size_t i : callers) {
    REQUIRE(ranks.WaitForOutput(i, "RESULT step=op", std::chrono::milliseconds(kOpTimeoutMs)));
    const RankResult r = ranks.Peek(i);
    const ResultLine line = RequireCodeIn(r, "op", {"ABORTED", "UNAVAILABLE"});
    const std::string message = Get(line, "message");
    INFO(message);
    CHECK(message.find("n2") != std::string::npos);
    CHECK(GetInt(line, "t_ms") - killed_at < kOpTimeoutMs);
  }
  // The surviving daemons keep serving: a new 4-rank group over n0 and n1,
  // and the same name formed again (a new epoch).
  for (const std::string group : {"other", "g"}) {
    RankProcesses next;
    for (uint32_t r = 0; r < 4; ++r) {
      next.Start(RankArgs("join", cluster.node(r / 2), group, 4, r,
                          {"--timeout-ms", "20000", "--allreduce"}));
    }
    for (const RankResult& r : RequireAllExitOk(next)) {
      const ResultLine line = RequireCode(r, "join", "OK");
      if (group == "g") CHECK(GetInt(line, "epoch") >= 2);
      RequireCode(r, "allreduce", "OK");
    }
  }
}

}  // namespace ccs::it
