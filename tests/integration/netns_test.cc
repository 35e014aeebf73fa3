// Nodes on separate network stacks: three ccsd processes, each in its own
// network namespace (NetnsLab), ranks in the host namespace reaching them by
// their Unix sockets. Every collective across them, and a link cut in the
// middle of a collective. Without root this program reports itself skipped
// (exit 77, which ctest shows as "Skipped") with the reason.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "harness/cluster_processes.h"
#include "harness/netns_lab.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"
#include "harness/subprocess.h"

namespace ccs::it {
namespace {

ClusterOptions InNamespaces(const NetnsLab& lab, size_t n, std::vector<std::string> flags) {
  ClusterOptions o;
  o.nodes = n;
  o.extra_args = std::move(flags);
  for (size_t k = 0; k < n; ++k) {
    o.hosts.push_back(lab.address(k));
    o.command_prefixes.push_back(lab.Exec(k));
  }
  return o;
}

}  // namespace

TEST_CASE("every collective across daemons in separate network namespaces", "[netns]") {
  NetnsLab lab(3);
  ClusterProcesses cluster(InNamespaces(lab, 3, {"--op-timeout-ms", "60000"}));
  RankProcesses ranks;
  for (uint32_t r = 0; r < 6; ++r) {
    ranks.Start(RankArgs("sweep", cluster.node(r / 2), "ns-sweep", 6, r));
  }
  for (const RankResult& r : RequireAllExitOk(ranks, std::chrono::seconds(400))) {
    INFO(r.out);
    CHECK(r.out.find("SWEEP OK") != std::string::npos);
  }
}

TEST_CASE("a link cut mid-collective fails the other nodes' ranks, never hangs",
          "[netns]") {
  constexpr int64_t kOpTimeoutMs = 5000;
  NetnsLab lab(3);
  ClusterProcesses cluster(
      InNamespaces(lab, 3, {"--op-timeout-ms", std::to_string(kOpTimeoutMs)}));
  RankProcesses ranks;
  std::vector<size_t> callers;
  for (uint32_t r = 0; r < 6; ++r) {
    if (r / 2 == 2) {
      ranks.Start(RankArgs("join", cluster.node(2), "cut", 6, r, {"--hold"}));
    } else {
      callers.push_back(ranks.Start(RankArgs(
          "call", cluster.node(r / 2), "cut", 6, r,
          {"--kind", "all_reduce", "--count", "4096", "--announce", "--hold"})));
    }
  }
  for (size_t i : callers) REQUIRE(ranks.WaitForOutput(i, "CALLING", std::chrono::seconds(30)));
  RequireArrived(cluster.node(0), "cut", 2);
  const int64_t cut_at = MonotonicMs();
  lab.Cut(2);
  for (size_t i : callers) {
    // The op's deadline, the header margin and the error's way back.
    REQUIRE(ranks.WaitForOutput(i, "RESULT step=op",
                                std::chrono::milliseconds(kOpTimeoutMs + 15000)));
    const ResultLine line = RequireCodeIn(ranks.Peek(i), "op",
                                          {"UNAVAILABLE", "ABORTED", "DEADLINE_EXCEEDED"});
    INFO(Get(line, "message"));
    CHECK(Get(line, "message").find("n2") != std::string::npos);
    CHECK(GetInt(line, "t_ms") - cut_at < kOpTimeoutMs + 15000);
  }
  // n0 and n1 still serve a group of their own.
  RankProcesses next;
  for (uint32_t r = 0; r < 4; ++r) {
    next.Start(RankArgs("join", cluster.node(r / 2), "after-cut", 4, r,
                        {"--timeout-ms", "20000", "--allreduce"}));
  }
  for (const RankResult& r : RequireAllExitOk(next)) RequireCode(r, "allreduce", "OK");
}

}  // namespace ccs::it

int main(int argc, char** argv) {
  const std::string why = ccs::it::NetnsLab::Unavailable();
  if (!why.empty()) {
    std::printf("SKIPPED: %s\n", why.c_str());
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
