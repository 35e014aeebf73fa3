#include "tests/gpu/collectives/driver.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "harness/subprocess.h"
#include "tests/gpu/collectives/cases.h"
#include "tests/gpu/collectives/device.h"

namespace ccs::gputest {
namespace {

using it::ExitStatus;
using it::Subprocess;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxFailureLines = 40;
constexpr size_t kLogTailLines = 80;

bool SocketAccepts(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

std::string FindCcsd(const DriverArgs& a) {
  if (!a.ccsd.empty()) return a.ccsd;
  if (const char* env = std::getenv("CCSD"); env != nullptr && *env != '\0') return env;
  return (std::filesystem::path(a.self).parent_path() / "ccsd").string();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string Tail(const std::string& text, size_t n) {
  auto lines = Lines(text);
  std::string out;
  for (size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) {
    out += "  | " + lines[i] + "\n";
  }
  return out;
}

// "all_reduce/sum float16" of a FAIL/ERROR line.
std::string OpAndDtype(const std::string& line) {
  std::istringstream in(line);
  std::string tag, op, dtype;
  in >> tag >> op >> dtype;
  return op + " " + dtype;
}

// ccsd for the run: started by the constructor, stopped by Stop() or the
// destructor.
class Daemon {
 public:
  Daemon(const std::string& binary, const std::string& dir, const std::string& log)
      : socket_(dir + "/ccs.sock"), log_(log) {
    process_ = std::make_unique<Subprocess>(
        std::vector<std::string>{binary, "--socket", socket_, "--log-level", "info",
                                 "--op-timeout-ms", "60000"},
        log_, log_);
  }
  ~Daemon() { Stop(); }

  std::string address() const { return "unix://" + socket_; }
  // "" once the socket accepts; otherwise why not (exited, timed out).
  std::string WaitReady(std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!SocketAccepts(socket_)) {
      if (auto s = process_->Poll()) return "ccsd exited (" + s->Describe() + ")";
      if (Clock::now() >= deadline) return "ccsd's socket did not accept in time";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }
  ExitStatus Stop() {
    if (stopped_) return *stopped_;
    if (auto s = process_->Poll()) return *(stopped_ = s);
    process_->Signal(SIGTERM);
    auto s = process_->WaitFor(std::chrono::seconds(10));
    stopped_ = s ? *s : process_->KillAndWait();
    return *stopped_;
  }

 private:
  std::string socket_;
  std::string log_;
  std::unique_ptr<Subprocess> process_;
  std::optional<ExitStatus> stopped_;
};

struct RankOutcome {
  ExitStatus status;
  bool timed_out = false;
  std::string out;
};

std::vector<RankOutcome> RunRanks(const DriverArgs& a, const std::string& address,
                                  const std::string& log_dir) {
  std::vector<std::unique_ptr<Subprocess>> procs;
  std::vector<std::string> logs;
  const std::string group = "gpu-collectives-" + std::to_string(a.ranks);
  for (uint32_t r = 0; r < a.ranks; ++r) {
    logs.push_back(log_dir + "/rank-" + std::to_string(r) + ".log");
    procs.push_back(std::make_unique<Subprocess>(
        std::vector<std::string>{a.self, "worker", std::to_string(r),
                                 std::to_string(a.ranks), address, group,
                                 std::to_string(a.seed)},
        logs.back(), logs.back()));
  }
  std::vector<RankOutcome> out(a.ranks);
  const auto deadline = Clock::now() + std::chrono::seconds(a.timeout_s);
  for (uint32_t r = 0; r < a.ranks; ++r) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto s = procs[r]->WaitFor(std::max(left, std::chrono::milliseconds(1)));
    out[r].timed_out = !s;
    out[r].status = s ? *s : procs[r]->KillAndWait();
  }
  for (uint32_t r = 0; r < a.ranks; ++r) out[r].out = it::ReadFile(logs[r]);
  return out;
}

// Prints the summary; returns the exit code.
int Report(const DriverArgs& a, const std::vector<RankOutcome>& ranks,
           const std::string& daemon_log, const ExitStatus& daemon_status) {
  std::printf("== ccs-gpu-collectives: %u ranks on GPU 0, %zu cases each, seed %llu\n",
              a.ranks, BuildCases(a.ranks).size(),
              static_cast<unsigned long long>(a.seed));
  bool ok = true;
  std::map<std::string, size_t> by_op;
  std::vector<std::string> failures;
  for (uint32_t r = 0; r < ranks.size(); ++r) {
    const RankOutcome& o = ranks[r];
    std::string done = "(no DONE line)";
    for (const std::string& line : Lines(o.out)) {
      if (line.rfind("DONE ", 0) == 0) done = line;
      if (line.rfind("FAIL ", 0) == 0 || line.rfind("ERROR ", 0) == 0) {
        ++by_op[OpAndDtype(line)];
        failures.push_back(line);
      }
    }
    if (!o.status.ok()) ok = false;
    std::printf("rank %u: %s%s  %s\n", r, o.status.Describe().c_str(),
                o.timed_out ? " (killed at the deadline)" : "", done.c_str());
  }
  if (!by_op.empty()) {
    std::printf("failures by op and dtype:\n");
    for (const auto& [k, n] : by_op) std::printf("  %-40s %zu\n", k.c_str(), n);
    std::printf("first failures (of %zu):\n", failures.size());
    for (size_t i = 0; i < failures.size() && i < kMaxFailureLines; ++i) {
      std::printf("  %s\n", failures[i].c_str());
    }
  }
  for (uint32_t r = 0; r < ranks.size() && !ok; ++r) {
    if (ranks[r].status.ok()) continue;
    std::printf("rank %u output (tail):\n%s", r, Tail(ranks[r].out, 15).c_str());
  }
  if (!ok) {
    std::printf("ccsd (%s), log tail:\n%s", daemon_status.Describe().c_str(),
                Tail(daemon_log, kLogTailLines).c_str());
  }
  std::printf("RESULT: %s\n", ok ? "PASSED" : "FAILED");
  std::fflush(stdout);
  return ok ? 0 : 1;
}

}  // namespace

int RunDriver(const DriverArgs& a) {
  if (std::string why = NoDeviceReason(); !why.empty()) {
    std::printf("SKIPPED: %s\n", why.c_str());
    return 77;
  }
  const std::string ccsd = FindCcsd(a);
  if (::access(ccsd.c_str(), X_OK) != 0) {
    std::printf("FAILED: no ccsd at %s (pass --ccsd or set CCSD)\n", ccsd.c_str());
    return 1;
  }
  it::TempDir dir("ccs-gpu-");
  const std::string log_dir = a.log_dir.empty() ? dir.path() : a.log_dir;
  std::filesystem::create_directories(log_dir);
  const std::string daemon_log = log_dir + "/ccsd.log";
  Daemon daemon(ccsd, dir.path(), daemon_log);
  if (std::string why = daemon.WaitReady(std::chrono::seconds(20)); !why.empty()) {
    std::printf("FAILED: %s\n%s", why.c_str(),
                Tail(it::ReadFile(daemon_log), 40).c_str());
    return 1;
  }
  const std::vector<RankOutcome> ranks = RunRanks(a, daemon.address(), log_dir);
  const ExitStatus daemon_status = daemon.Stop();
  return Report(a, ranks, it::ReadFile(daemon_log), daemon_status);
}

}  // namespace ccs::gputest
