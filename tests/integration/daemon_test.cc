// The ccsd process itself: configuration sources, log format, start-up
// errors, the socket path's life cycle, and shutdown.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness/ctl.h"
#include "harness/daemon_process.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"
#include "harness/test_env.h"

namespace ccs::it {
namespace {

using Strings = std::vector<std::string>;

// Writes `text` to `path`.
void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  REQUIRE(out.good());
}

// Whether a line of `text` starts with `key: value` (comments may follow).
bool HasSetting(const std::string& text, const std::string& key,
                const std::string& value) {
  const std::regex re("(^|\\n)\\s*" + key + ":\\s*" + value + "(\\s|$)");
  return std::regex_search(text, re);
}

// A world-2 group "late" on `daemon` where rank 1 never calls: rank 0's
// all_reduce with per-call timeout 0 (the daemon's default) must end with
// DEADLINE_EXCEEDED naming rank 1.
void RequireDefaultOpTimeoutApplies(const DaemonProcess& daemon) {
  RankProcesses ranks;
  ranks.Start(RankArgs("call", daemon, "late", 2, 0, {"--timeout-ms", "0"}));
  const size_t absent = ranks.Start(RankArgs("join", daemon, "late", 2, 1, {"--hold"}));
  // Far above the configured deadline, far below the built-in default.
  RankResult r = ranks.Wait(0, std::chrono::seconds(60));
  INFO(Describe(r));
  REQUIRE(!r.timed_out);
  ResultLine op = RequireCode(r, "op", "DEADLINE_EXCEEDED");
  CHECK(MentionsRank(Get(op, "message"), 1));
  ranks.Signal(absent, SIGKILL);
}

// Lines of /proc/<daemon>/maps that map a segment of process `pid`'s SDK.
std::vector<std::string> MappedSegmentsOf(const DaemonProcess& daemon, pid_t pid) {
  std::istringstream maps(ReadFile("/proc/" + std::to_string(daemon.pid()) + "/maps"));
  const std::string needle = "/dev/shm/ccs-" + std::to_string(pid) + "-";
  std::vector<std::string> lines;
  for (std::string line; std::getline(maps, line);) {
    if (line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("--print-config shows flag over file over default", "[daemon]") {
  TempDir dir;
  const std::string config = dir.Join("ccsd.yaml");
  WriteFile(config, "op_timeout_ms: 700\njoin_timeout_ms: 900\n");
  CommandResult r = RunCommand(
      {CcsdPath(), "--config", config, "--join-timeout-ms", "1234", "--print-config"},
      std::chrono::seconds(10));
  INFO(r.status.Describe() << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.status.ok());
  CHECK(HasSetting(r.out, "op_timeout_ms", "700"));
  CHECK(HasSetting(r.out, "join_timeout_ms", "1234"));
  CHECK(HasSetting(r.out, "max_buffers_per_session", "1024"));
}

TEST_CASE("the config file's op_timeout_ms is the default deadline", "[daemon]") {
  TempDir dir;
  const std::string config = dir.Join("ccsd.yaml");
  WriteFile(config, "op_timeout_ms: 800\n");
  DaemonProcess daemon(WithFlags({"--config", config}));
  RequireDefaultOpTimeoutApplies(daemon);
}

TEST_CASE("a flag overrides the config file", "[daemon]") {
  TempDir dir;
  const std::string config = dir.Join("ccsd.yaml");
  WriteFile(config, "op_timeout_ms: 3600000\n");
  DaemonProcess daemon(WithFlags({"--config", config, "--op-timeout-ms", "800"}));
  RequireDefaultOpTimeoutApplies(daemon);
}

TEST_CASE("bad start-up settings make ccsd exit non-zero with a message", "[daemon]") {
  TempDir dir;
  const std::string socket = dir.Join("ccs.sock");
  const std::string bad_yaml = dir.Join("bad.yaml");
  WriteFile(bad_yaml, "op_timeout_ms: [not, a, number\n");
  const std::vector<Strings> cases = {
      {"--op-timeout-ms", "soon"},
      {"--log-level", "loud"},
      {"--config", dir.Join("missing.yaml")},
      {"--config", bad_yaml},
      {"--no-such-flag"},
  };
  for (const auto& flags : cases) {
    Strings argv = {CcsdPath(), "--socket", socket};
    argv.insert(argv.end(), flags.begin(), flags.end());
    CommandResult r = RunCommand(argv, std::chrono::seconds(10));
    INFO("ccsd " << flags[0] << (flags.size() > 1 ? " " + flags[1] : "") << ": "
                 << r.status.Describe() << (r.timed_out ? " [still running]" : "")
                 << "\nstdout:\n"
                 << r.out << "\nstderr:\n"
                 << r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status.exited);
    CHECK(r.status.code != 0);
    CHECK(!(r.out + r.err).empty());
  }
}

TEST_CASE("--log-format json writes one JSON object per line", "[daemon]") {
  std::string log;
  {
    DaemonProcess daemon(WithFlags({"--log-format", "json"}));
    RankProcesses ranks;
    ranks.Start(RankArgs("join", daemon, "logged", 1, 0, {"--allreduce"}));
    RequireCode(RequireAllExitOk(ranks)[0], "allreduce", "OK");
    daemon.Stop();
    log = daemon.Log();
  }
  std::istringstream in(log);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    INFO("log line " << lines << ": " << line);
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(line));
    REQUIRE(j.is_object());
    CHECK(j.contains("level"));
    CHECK(j.contains("msg"));
  }
  CHECK(lines > 0);
}

TEST_CASE("ccsd exits cleanly on SIGTERM while sessions and groups are open",
          "[daemon]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start(RankArgs("join", daemon, "open", 1, 0, {"--hold"}));
  REQUIRE(ranks.WaitForOutput(0, "HOLDING", std::chrono::seconds(30)));
  ExitStatus st = daemon.Stop();
  CHECK_FALSE(daemon.NeededKill());
  CHECK(st.ok());
}

TEST_CASE("ccsd exits on SIGTERM after a rank died while its group formed", "[daemon]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start(RankArgs("join", daemon, "forming", 3, 0, {"--timeout-ms", "20000"}));
  const size_t victim =
      ranks.Start(RankArgs("join", daemon, "forming", 3, 1, {"--timeout-ms", "20000"}));
  RequireJoined(daemon, "forming", 2);
  ranks.Signal(victim, SIGKILL);
  ranks.Wait(victim, std::chrono::seconds(10));
  ExitStatus st = daemon.Stop();
  CHECK_FALSE(daemon.NeededKill());
  CHECK(st.ok());
}

TEST_CASE("ccsd unmaps a session's buffers when the session ends", "[daemon]") {
  // The client never unregisters: it dies holding two buffers.
  const int sig = GENERATE(SIGTERM, SIGKILL);
  DYNAMIC_SECTION("client ended by signal " << sig) {
    DaemonProcess daemon;
    RankProcesses ranks;
    ranks.Start({"create-buffers", "--addr", daemon.address(), "--sizes", "65536,4096",
                 "--hold"});
    REQUIRE(ranks.WaitForOutput(0, "HOLDING", std::chrono::seconds(30)));
    const pid_t pid = ranks.pid(0);
    INFO("daemon mappings of client " << pid);
    REQUIRE(MappedSegmentsOf(daemon, pid).size() >= 2);
    ranks.Signal(0, sig);
    ranks.Wait(0, std::chrono::seconds(10));
    std::vector<std::string> left;
    bool released = PollUntil(
        [&] {
          left = MappedSegmentsOf(daemon, pid);
          return left.empty();
        },
        std::chrono::seconds(10));
    for (const auto& l : left) UNSCOPED_INFO("still mapped: " << l);
    CHECK(released);
  }
}

TEST_CASE("a daemon restarted after SIGKILL serves on the same socket path", "[daemon]") {
  DaemonProcess daemon;
  ::kill(daemon.pid(), SIGKILL);
  REQUIRE(PollUntil([&] { return !daemon.Running(); }, std::chrono::seconds(10)));
  // The stale socket file of the killed daemon must not stop the new one.
  daemon.Restart();
  RankProcesses ranks;
  ranks.Start(RankArgs("join", daemon, "again", 1, 0, {"--allreduce"}));
  RequireCode(RequireAllExitOk(ranks)[0], "allreduce", "OK");
}

TEST_CASE("a second ccsd does not take over a live daemon's socket", "[daemon]") {
  DaemonProcess daemon;
  CommandResult second =
      RunCommand({CcsdPath(), "--socket", daemon.socket_path()}, std::chrono::seconds(5));
  INFO("second ccsd: " << second.status.Describe()
                       << (second.timed_out ? " [still running after 5 s]" : "")
                       << "\nstdout:\n"
                       << second.out << "\nstderr:\n"
                       << second.err);
  CHECK_FALSE(second.timed_out);
  CHECK(second.status.code != 0);
  // The first daemon still answers on its socket.
  RankProcesses ranks;
  ranks.Start(RankArgs("join", daemon, "first", 1, 0, {"--allreduce"}));
  RequireCode(RequireAllExitOk(ranks)[0], "allreduce", "OK");
}

}  // namespace ccs::it
