// SIGTERM drains: readiness goes NOT_SERVING while liveness stays SERVING,
// new groups are refused, an op already in flight either completes on every
// rank (its ranks arrive within the grace) or fails on every rank with
// UNAVAILABLE naming the drain; then ccsd exits. Also the health-only port.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "harness/ctl.h"
#include "harness/daemon_log.h"
#include "harness/daemon_process.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"
#include "harness/test_env.h"

namespace ccs::it {
namespace {

constexpr char kHealthMarker[] = "health: serving grpc.health.v1 on tcp ";

// Exit code of `ccsctl --addr address health [--service service]`: 0
// SERVING, 4 NOT_SERVING, 2 unreachable.
int Health(const std::string& address, const std::string& service) {
  std::vector<std::string> argv = {CcsctlPath(), "--addr", address, "health"};
  if (!service.empty()) argv.insert(argv.end(), {"--service", service});
  CommandResult r = RunCommand(argv, std::chrono::seconds(10));
  return r.status.exited ? r.status.code : -1;
}

}  // namespace

TEST_CASE(
    "on SIGTERM readiness drops, new groups are refused, and an op in flight "
    "completes on every rank",
    "[lifecycle]") {
  DaemonProcess daemon(
      WithFlags({"--drain-grace-ms", "60000", "--health-listen", "127.0.0.1:0"}));
  const std::string health = LoggedAddress(daemon, kHealthMarker);
  REQUIRE(!health.empty());
  for (const std::string& addr : {daemon.address(), health}) {
    CHECK(Health(addr, "") == 0);
    CHECK(Health(addr, "readiness") == 0);
    CHECK(Health(addr, "liveness") == 0);
  }
  // The health port serves health only.
  CommandResult get = RunCommand({CcsctlPath(), "--addr", health, "get", "groups"},
                                 std::chrono::seconds(10));
  CHECK(get.status.code == 4);
  CHECK(get.err.find("UNIMPLEMENTED") != std::string::npos);

  TempDir dir("ccs-it-drain-");
  const std::string go = dir.Join("go");
  RankProcesses ranks;
  for (uint32_t r = 0; r < 2; ++r) {
    ranks.Start(RankArgs("ops", daemon, "drain-ok", 3, r, {"--ops", "1"}));
  }
  const size_t late = ranks.Start(
      RankArgs("ops", daemon, "drain-ok", 3, 2, {"--ops", "1", "--go-file", go}));
  REQUIRE(ranks.WaitForOutput(late, "WAITING", std::chrono::seconds(30)));
  RequireArrived(daemon, "drain-ok", 2);

  daemon.Signal(SIGTERM);
  REQUIRE(PollUntil([&] { return Health(daemon.address(), "readiness") == 4; },
                    std::chrono::seconds(10)));
  CHECK(Health(daemon.address(), "") == 4);
  CHECK(Health(daemon.address(), "liveness") == 0);
  CHECK(Health(health, "readiness") == 4);
  CHECK(Health(health, "liveness") == 0);

  RankProcesses newcomer;
  newcomer.Start(RankArgs("ops", daemon, "after-sigterm", 1, 0, {"--ops", "1"}));
  for (const auto& r : RequireAllExitOk(newcomer)) {
    ResultLine join = RequireCode(r, "join", "UNAVAILABLE");
    INFO(Get(join, "message"));
    CHECK(Get(join, "message").find("draining") != std::string::npos);
  }
  CHECK(daemon.Running());

  std::ofstream(go).put('x');
  for (const auto& r : RequireAllExitOk(ranks)) RequireCode(r, "op1", "OK");
  // Idle now: it exits long before the 60 s grace.
  std::optional<ExitStatus> exited = daemon.WaitExit(std::chrono::seconds(30));
  INFO(daemon.LogReport());
  REQUIRE(exited);
  CHECK(exited->ok());
  CHECK(!LogLinesWith(daemon, "drained: no op in flight").empty());
}

TEST_CASE(
    "SIGTERM during an op waiting for a missing rank fails every arrived rank "
    "with UNAVAILABLE naming the drain",
    "[lifecycle]") {
  const int64_t grace_ms = 1500;
  DaemonProcess daemon(WithFlags({"--drain-grace-ms", std::to_string(grace_ms)}));
  RankProcesses ranks;
  std::vector<size_t> arrived;
  for (uint32_t r = 0; r < 2; ++r) {
    arrived.push_back(
        ranks.Start(RankArgs("ops", daemon, "drain-missing", 3, r, {"--ops", "1"})));
  }
  ranks.Start(RankArgs("ops", daemon, "drain-missing", 3, 2, {"--ops", "0", "--hold"}));
  RequireArrived(daemon, "drain-missing", 2);

  const int64_t signalled = MonotonicMs();
  daemon.Signal(SIGTERM);
  for (size_t i : arrived) {
    RankResult r = ranks.Wait(i, std::chrono::seconds(60));
    INFO(Describe(r));
    REQUIRE(!r.timed_out);
    ResultLine op = RequireCode(r, "op1", "UNAVAILABLE");
    const std::string message = Get(op, "message");
    INFO("message: " << message);
    CHECK(message.find("drain") != std::string::npos);
    CHECK(Get(op, "recv_unchanged") == "1");
    // Not a hang: far beyond the grace, far below any op timeout.
    CHECK(GetInt(op, "t_ms") - signalled < grace_ms + 20000);
  }
  std::optional<ExitStatus> exited = daemon.WaitExit(std::chrono::seconds(30));
  INFO(daemon.LogReport());
  REQUIRE(exited);
  CHECK(exited->ok());
}

}  // namespace ccs::it
