// The metadata plane with real ccsd and real rank processes: every object
// op and the KV scope verified byte for byte on one daemon and across 2-3
// daemons on loopback; the size limit (RESOURCE_EXHAUSTED), mismatched
// object calls (INVALID_ARGUMENT), a rank that never calls or never sends
// (DEADLINE_EXCEEDED naming it), a rank killed while the others wait
// (ABORTED naming it); the daemons keep serving afterwards.
#include <signal.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "harness/cluster_processes.h"
#include "harness/daemon_process.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"

namespace ccs::it {
namespace {

using Strings = std::vector<std::string>;

// The daemons' max_object_bytes: small enough that the limit test is cheap,
// large enough for payloads spanning several 512 KiB store chunks.
constexpr uint64_t kLimit = 2 << 20;
const Strings kDaemonFlags = {"--max-object-bytes", std::to_string(kLimit),
                              "--op-timeout-ms", "60000"};

// The nodes of a test: one standalone daemon, or a cluster of `n`.
class Nodes {
 public:
  explicit Nodes(size_t n) {
    if (n == 1) {
      single_ = std::make_unique<DaemonProcess>(WithFlags(kDaemonFlags));
    } else {
      ClusterOptions o;
      o.nodes = n;
      o.extra_args = kDaemonFlags;
      cluster_ = std::make_unique<ClusterProcesses>(o);
    }
  }
  DaemonProcess& node(size_t k) { return single_ ? *single_ : cluster_->node(k); }

 private:
  std::unique_ptr<DaemonProcess> single_;
  std::unique_ptr<ClusterProcesses> cluster_;
};

// Runs the `objects` scenario on `group` with rank r on node node_of[r];
// REQUIREs that every step of every rank passed.
void RequireObjectsOk(Nodes& nodes, const std::string& group,
                      const std::vector<size_t>& node_of) {
  RankProcesses ranks;
  const auto world = static_cast<uint32_t>(node_of.size());
  for (uint32_t r = 0; r < world; ++r) {
    ranks.Start(RankArgs("objects", nodes.node(node_of[r]), group, world, r,
                         {"--limit-bytes", std::to_string(kLimit)}));
  }
  for (const RankResult& r : RequireAllExitOk(ranks, std::chrono::seconds(240))) {
    INFO(Describe(r));
    CHECK(r.out.find("OBJECTS OK") != std::string::npos);
    RequireCode(r, "broadcast_object_root0", "OK");
    RequireCode(r, "kv_ttl_expiry", "OK");
    if (r.index == 0) RequireCode(r, "broadcast_object_over_limit", "RESOURCE_EXHAUSTED");
  }
}

}  // namespace

TEST_CASE("every object op and the KV scope work with verified bytes", "[metadata]") {
  struct Case {
    const char* name;
    size_t nodes;
    std::vector<size_t> node_of;  // per rank
  };
  const Case cases[] = {
      {"1 daemon, 1 rank", 1, {0}},
      {"1 daemon, 3 ranks", 1, {0, 0, 0}},
      {"2 daemons x 2 ranks, interleaved", 2, {0, 1, 0, 1}},
      {"3 daemons with 1, 1 and 2 ranks", 3, {0, 1, 2, 2}},
  };
  const Case& c = cases[GENERATE(0, 1, 2, 3)];
  DYNAMIC_SECTION(c.name) {
    Nodes nodes(c.nodes);
    RequireObjectsOk(nodes, "objs", c.node_of);
  }
}

TEST_CASE("ranks calling different object ops get INVALID_ARGUMENT and stay in step",
          "[metadata]") {
  const size_t n = GENERATE(1, 2);
  DYNAMIC_SECTION((n == 1 ? "one daemon" : "two daemons")) {
    Nodes nodes(n);
    RankProcesses ranks;
    const Strings ops[] = {{"--op", "broadcast", "--root", "0"}, {"--op", "all_gather"}};
    for (uint32_t r = 0; r < 2; ++r) {
      Strings extra = ops[r];
      extra.insert(extra.end(), {"--timeout-ms", "20000", "--then-all-gather"});
      ranks.Start(RankArgs("object-call", nodes.node(r % n), "mm", 2, r, extra));
    }
    for (const RankResult& r : RequireAllExitOk(ranks)) {
      const ResultLine line = RequireCode(r, "object", "INVALID_ARGUMENT");
      const std::string message = Get(line, "message");
      INFO(message);
      CHECK(message.find("broadcast_object(root 0)") != std::string::npos);
      CHECK(message.find("all_gather_object") != std::string::npos);
      CHECK(MentionsRank(message, 0));
      CHECK(MentionsRank(message, 1));
      // The mismatch consumed one number on both ranks: the next call matches.
      RequireCode(r, "then", "OK");
    }
  }
}

TEST_CASE("a rank that never calls or never sends fails the others naming it",
          "[metadata]") {
  const size_t n = GENERATE(1, 2);
  DYNAMIC_SECTION((n == 1 ? "one daemon" : "two daemons")) {
    Nodes nodes(n);
    {
      RankProcesses holder;
      // Rank 2 joins and never calls; ranks 0 and 1 all_gather.
      holder.Start(RankArgs("join", nodes.node(n - 1), "late", 3, 2, {"--hold"}));
      RankProcesses ranks;
      for (uint32_t r = 0; r < 2; ++r) {
        ranks.Start(RankArgs(
            "object-call", nodes.node(r % n), "late", 3, r,
            {"--op", "all_gather", "--timeout-ms", "2000", "--then-all-gather"}));
      }
      bool any_deadline = false;
      for (const RankResult& r : RequireAllExitOk(ranks)) {
        const ResultLine line =
            RequireCodeIn(r, "object", {"DEADLINE_EXCEEDED", "ABORTED"});
        any_deadline = any_deadline || Get(line, "code") == "DEADLINE_EXCEEDED";
        const std::string message = Get(line, "message");
        INFO(message);
        CHECK(MentionsRank(message, 2));
        CHECK(message.find("all_gather_object") != std::string::npos);
        // The timeout broke the group (on every node): later calls are
        // refused with its reason.
        const ResultLine then = RequireCode(r, "then", "ABORTED");
        INFO(Get(then, "message"));
        CHECK(Get(then, "message").find("BROKEN") != std::string::npos);
        CHECK(MentionsRank(Get(then, "message"), 2));
      }
      CHECK(any_deadline);
    }
    {
      RankProcesses holder;
      holder.Start(RankArgs("join", nodes.node(n - 1), "quiet", 2, 1, {"--hold"}));
      RankProcesses ranks;
      ranks.Start(RankArgs("object-call", nodes.node(0), "quiet", 2, 0,
                           {"--op", "recv", "--peer", "1", "--timeout-ms", "1500"}));
      const RankResult r = RequireAllExitOk(ranks).at(0);
      const ResultLine line = RequireCode(r, "object", "DEADLINE_EXCEEDED");
      INFO(Get(line, "message"));
      CHECK(Get(line, "message").find("rank 1 never sent it") != std::string::npos);
    }
    // The daemons keep serving object ops of other groups.
    RequireObjectsOk(nodes, "after",
                     n == 1 ? std::vector<size_t>{0, 0} : std::vector<size_t>{0, 1});
  }
}

TEST_CASE("a rank killed while the others wait in an object op aborts them naming it",
          "[metadata]") {
  const size_t n = GENERATE(1, 2);
  DYNAMIC_SECTION((n == 1 ? "one daemon" : "two daemons")) {
    Nodes nodes(n);
    RankProcesses victim;
    RankProcesses ranks;
    victim.Start(RankArgs("join", nodes.node(n - 1), "victim", 2, 1, {"--hold"}));
    ranks.Start(RankArgs("object-call", nodes.node(0), "victim", 2, 0,
                         {"--op", "broadcast", "--root", "1", "--timeout-ms", "60000"}));
    // Once the group formed, the survivor goes on to wait for rank 1's
    // broadcast (60 s op timeout); rank 1 dies instead. Killed before the
    // survivor's call reached the daemon, the outcome is the same: ABORTED
    // naming rank 1, long before the op timeout.
    REQUIRE(victim.WaitForOutput(0, "HOLDING", std::chrono::seconds(30)));
    REQUIRE(ranks.WaitForOutput(0, "RESULT step=join", std::chrono::seconds(30)));
    victim.Signal(0, SIGKILL);
    const RankResult r = ranks.Wait(0, std::chrono::seconds(30));
    const ResultLine line = RequireCode(r, "object", "ABORTED");
    INFO(Get(line, "message"));
    CHECK(MentionsRank(Get(line, "message"), 1));
  }
}

}  // namespace ccs::it
