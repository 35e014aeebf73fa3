// Ranks that die, never arrive, or never join: every other rank gets a clear
// error naming the culprit, in bounded time, and the daemon keeps serving.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "harness/ctl.h"
#include "harness/daemon_process.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"

namespace ccs::it {
namespace {

using Strings = std::vector<std::string>;

// The spec's bound on how long survivors wait to learn that a rank died.
constexpr int64_t kDeathNoticeMs = 2000;

// REQUIREs that a fresh world-2 group on `daemon` runs a verified all_reduce.
void RequireDaemonServes(const DaemonProcess& daemon, const std::string& group) {
  RankProcesses ranks;
  for (uint32_t r = 0; r < 2; ++r) {
    ranks.Start(
        RankArgs("join", daemon, group, 2, r, {"--timeout-ms", "20000", "--allreduce"}));
  }
  for (const auto& r : RequireAllExitOk(ranks)) RequireCode(r, "allreduce", "OK");
}

}  // namespace

TEST_CASE("a rank killed during a collective aborts the others within 2 s", "[failure]") {
  struct Case {
    const char* name;
    uint32_t world;
    Strings call;  // what the survivors call; rank 1 is the victim
  };
  const Case cases[] = {
      {"all_reduce, 2 survivors", 3, {"--kind", "all_reduce"}},
      {"all_reduce, 3 survivors", 4, {"--kind", "all_reduce"}},
      {"broadcast from the victim", 3, {"--kind", "broadcast", "--root", "1"}},
      {"send to the victim", 2, {"--kind", "send", "--peer", "1"}},
  };
  const Case& c = cases[GENERATE(0, 1, 2, 3)];
  DYNAMIC_SECTION(c.name) {
    const uint32_t world = c.world;
    DaemonProcess daemon(WithFlags({"--op-timeout-ms", "60000"}));
    const std::string group = "victim";
    TempDir dir("ccs-it-reform-");
    const std::string reform = dir.Join("reform");
    const uint32_t victim = 1;
    RankProcesses ranks;
    std::vector<size_t> survivors;
    for (uint32_t r = 0; r < world; ++r) {
      if (r == victim) {
        ranks.Start(RankArgs("join", daemon, group, world, r, {"--hold"}));
      } else {
        // --hold: survivors stay members, so the BROKEN group can still be
        // described after they got their errors.
        Strings args = {"--timeout-ms",    "30000", "--announce",          "--again",
                        "--recover-group", group,   "--recover-wait-file", reform,
                        "--hold"};
        args.insert(args.end(), c.call.begin(), c.call.end());
        survivors.push_back(ranks.Start(RankArgs("call", daemon, group, world, r, args)));
      }
    }
    REQUIRE(ranks.WaitForOutput(victim, "HOLDING", std::chrono::seconds(30)));
    for (size_t i : survivors) {
      INFO("worker #" << i << ":\n" << ranks.Stdout(i));
      REQUIRE(ranks.WaitForOutput(i, "CALLING", std::chrono::seconds(30)));
    }
    RequireArrived(daemon, group, survivors.size());

    const pid_t victim_pid = ranks.pid(victim);
    const int64_t killed_at = MonotonicMs();
    ranks.Signal(victim, SIGKILL);
    for (size_t i : survivors) {
      ranks.WaitForOutput(i, "RESULT step=again", std::chrono::seconds(30));
      RankResult r = ranks.Peek(i);
      ResultLine op = RequireCode(r, "op", "ABORTED");
      const std::string msg = Get(op, "message");
      INFO("message: " << msg << "\nvictim rank " << victim << " pid " << victim_pid);
      CHECK(GetInt(op, "t_ms") - killed_at < kDeathNoticeMs);
      CHECK(MentionsRank(msg, victim));
      CHECK(MentionsNumber(msg, victim_pid));
      CHECK(Get(op, "recv_unchanged") == "1");
      // The group stays broken: a later op fails at once, not at its deadline.
      ResultLine again = RequireCode(r, "again", "ABORTED");
      CHECK(MentionsRank(Get(again, "message"), victim));
    }

    GroupDescription d = DescribeGroup(daemon, group);
    INFO(d.error << d.json.dump(2));
    REQUIRE(d.ok);
    CHECK(d.state == "BROKEN");
    CHECK(!d.broken_reason.empty());
    CHECK(MentionsRank(d.broken_reason, victim));

    REQUIRE(daemon.Running());
    RequireDaemonServes(daemon, "unrelated");

    // Recovery: the survivors (still holding the broken group) and a new
    // rank 1 form the same name anew, with a higher epoch.
    const int64_t old_epoch = d.json["group"].value("epoch", int64_t{-1});
    std::ofstream(reform).put('x');
    const size_t fresh =
        ranks.Start(RankArgs("join", daemon, group, world, victim, {"--allreduce"}));
    RankResult f = ranks.Wait(fresh, std::chrono::seconds(60));
    RequireCode(f, "allreduce", "OK");
    ResultLine join = RequireCode(f, "join", "OK");
    CHECK(GetInt(join, "epoch") > old_epoch);
    for (size_t i : survivors) {
      REQUIRE(ranks.WaitForOutput(i, "RESULT step=recover", std::chrono::seconds(30)));
      ResultLine rec = RequireCode(ranks.Peek(i), "recover", "OK");
      CHECK(Get(rec, "epoch") == Get(join, "epoch"));
    }
  }
}

TEST_CASE("a rank killed while the group forms aborts the others' join within 2 s",
          "[failure]") {
  // Ranks 0 and 1 of 3 have joined; rank 1 dies before rank 2 arrives. Rank 0
  // must not wait out its join deadline believing rank 1 never joined.
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start(RankArgs("join", daemon, "forming", 3, 0, {"--timeout-ms", "10000"}));
  const size_t victim =
      ranks.Start(RankArgs("join", daemon, "forming", 3, 1, {"--timeout-ms", "10000"}));
  RequireJoined(daemon, "forming", 2);
  const pid_t victim_pid = ranks.pid(victim);
  const int64_t killed_at = MonotonicMs();
  ranks.Signal(victim, SIGKILL);
  RankResult r = ranks.Wait(0, std::chrono::seconds(60));
  ResultLine join = RequireCode(r, "join", "ABORTED");
  const std::string msg = Get(join, "message");
  INFO("message: " << msg << "\nvictim pid " << victim_pid);
  CHECK(GetInt(join, "t_ms") - killed_at < kDeathNoticeMs);
  CHECK(MentionsRank(msg, 1));
  CHECK(MentionsNumber(msg, victim_pid));
  RequireDaemonServes(daemon, "after-forming");
}

TEST_CASE("a rank leaving during all_reduce aborts the others naming it", "[failure]") {
  DaemonProcess daemon;
  TempDir dir("ccs-it-leave-");
  const std::string go = dir.Join("leave-now");
  RankProcesses ranks;
  std::vector<size_t> survivors;
  for (uint32_t r : {0u, 2u}) {
    survivors.push_back(ranks.Start(
        RankArgs("call", daemon, "leaver", 3, r, {"--timeout-ms", "30000", "--hold"})));
  }
  const size_t leaver = ranks.Start(
      RankArgs("join", daemon, "leaver", 3, 1, {"--leave-on-file", go, "--hold"}));
  REQUIRE(ranks.WaitForOutput(leaver, "WAITING", std::chrono::seconds(30)));
  RequireArrived(daemon, "leaver", survivors.size());
  std::ofstream(go).put('x');
  REQUIRE(ranks.WaitForOutput(leaver, "RESULT step=leave", std::chrono::seconds(30)));
  RequireCode(ranks.Peek(leaver), "leave", "OK");
  for (size_t i : survivors) {
    ranks.WaitForOutput(i, "RESULT step=op", std::chrono::seconds(30));
    ResultLine op = RequireCode(ranks.Peek(i), "op", "ABORTED");
    INFO("message: " << Get(op, "message"));
    CHECK(MentionsRank(Get(op, "message"), 1));
    CHECK(Get(op, "message").find("left") != std::string::npos);
    CHECK(Get(op, "recv_unchanged") == "1");
  }
  GroupDescription d = DescribeGroup(daemon, "leaver");
  INFO(d.error << d.json.dump(2));
  REQUIRE(d.ok);
  CHECK(d.state == "BROKEN");
  RequireDaemonServes(daemon, "after-leave");
}

TEST_CASE("a rank that never calls makes the others' op DEADLINE_EXCEEDED naming it",
          "[failure]") {
  struct Variant {
    const char* name;
    Strings daemon_flags;
    std::string call_timeout_ms;
  };
  const Variant variants[] = {
      {"per-call timeout", {}, "1000"},
      {"daemon --op-timeout-ms", {"--op-timeout-ms", "1000"}, "0"}};
  const Variant& variant = variants[GENERATE(0, 1)];
  DYNAMIC_SECTION(variant.name) {
    DaemonProcess daemon(WithFlags(variant.daemon_flags));
    RankProcesses ranks;
    for (uint32_t r = 0; r < 2; ++r) {
      ranks.Start(RankArgs("call", daemon, "late", 3, r,
                           {"--timeout-ms", variant.call_timeout_ms}));
    }
    const size_t absent = ranks.Start(RankArgs("join", daemon, "late", 3, 2, {"--hold"}));
    for (size_t i = 0; i < 2; ++i) {
      RankResult r = ranks.Wait(i, std::chrono::seconds(60));
      INFO(Describe(r));
      REQUIRE(r.status.ok());
      ResultLine op = RequireCode(r, "op", "DEADLINE_EXCEEDED");
      INFO("message: " << Get(op, "message"));
      CHECK(MentionsRank(Get(op, "message"), 2));
      CHECK(Get(op, "recv_unchanged") == "1");
    }
    ranks.Signal(absent, SIGKILL);
    RequireDaemonServes(daemon, "after-timeout");
  }
}

TEST_CASE("a rank arriving after the op timed out gets ABORTED at once", "[failure]") {
  DaemonProcess daemon;
  TempDir dir("ccs-it-late-");
  const std::string go = dir.Join("go");
  RankProcesses ranks;
  ranks.Start(RankArgs("call", daemon, "tardy", 2, 0, {"--timeout-ms", "500", "--hold"}));
  ranks.Start(RankArgs("call", daemon, "tardy", 2, 1,
                       {"--timeout-ms", "30000", "--call-wait-file", go, "--hold"}));
  REQUIRE(ranks.WaitForOutput(0, "RESULT step=op", std::chrono::seconds(30)));
  RequireCode(ranks.Peek(0), "op", "DEADLINE_EXCEEDED");
  // Rank 0 still holds its membership: only the timeout can explain rank 1's error.
  std::ofstream(go).put('x');
  REQUIRE(ranks.WaitForOutput(1, "RESULT step=op", std::chrono::seconds(30)));
  ResultLine late = RequireCode(ranks.Peek(1), "op", "ABORTED");
  INFO("message: " << Get(late, "message"));
  CHECK(Get(late, "message").find("timed out") != std::string::npos);
  CHECK(Get(late, "recv_unchanged") == "1");
}

TEST_CASE("ranks that never join make JoinGroup DEADLINE_EXCEEDED naming them",
          "[failure]") {
  struct Variant {
    const char* name;
    Strings daemon_flags;
    std::string join_timeout_ms;
  };
  const Variant variants[] = {
      {"per-call timeout", {}, "1000"},
      {"daemon --join-timeout-ms", {"--join-timeout-ms", "1000"}, "0"}};
  const Variant& variant = variants[GENERATE(0, 1)];
  DYNAMIC_SECTION(variant.name) {
    DaemonProcess daemon(WithFlags(variant.daemon_flags));
    RankProcesses ranks;
    // World 4: ranks 0 and 2 join, ranks 1 and 3 never do.
    for (uint32_t r : {0u, 2u}) {
      ranks.Start(RankArgs("join", daemon, "partial", 4, r,
                           {"--timeout-ms", variant.join_timeout_ms}));
    }
    for (const auto& r : RequireAllExitOk(ranks)) {
      ResultLine join = RequireCode(r, "join", "DEADLINE_EXCEEDED");
      INFO("message: " << Get(join, "message"));
      CHECK(MentionsRank(Get(join, "message"), 1));
      CHECK(MentionsRank(Get(join, "message"), 3));
    }
    RequireDaemonServes(daemon, "after-join-timeout");
  }
}

}  // namespace ccs::it
