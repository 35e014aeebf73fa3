#include "client/bench/launcher.h"

#include <dirent.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <string>
#include <thread>

namespace ccs::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollInterval{20};
constexpr std::chrono::seconds kTermGrace{3};

[[noreturn]] void RunChild(uint32_t rank, const std::function<int(uint32_t)>& body,
                           pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(kExitRankFailed);  // parent died before prctl
  int code = kExitRankFailed;
  try {
    code = body(rank);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ccs-bench: rank %u: %s\n", rank, e.what());
  } catch (...) {
    std::fprintf(stderr, "ccs-bench: rank %u: unknown exception\n", rank);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(code);
}

std::string Describe(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  }
  return "stopped";
}

// Unlinks the shared-memory segments the SDK created in process `pid`
// ("/ccs-<pid>-..."): a rank that was killed or crashed could not.
void RemoveLeftoverSegments(pid_t pid) {
  const std::string prefix = "ccs-" + std::to_string(pid) + "-";
  DIR* dir = opendir("/dev/shm");
  if (dir == nullptr) return;
  while (const dirent* entry = readdir(dir)) {
    if (std::strncmp(entry->d_name, prefix.c_str(), prefix.size()) == 0) {
      shm_unlink(("/" + std::string(entry->d_name)).c_str());
    }
  }
  closedir(dir);
}

// Sends `sig` to every live child.
void SignalAll(const std::map<pid_t, uint32_t>& live, int sig) {
  for (const auto& [pid, rank] : live) kill(pid, sig);
}

// Reaps what exits within `grace`; returns whether all did.
bool ReapAll(std::map<pid_t, uint32_t>& live, std::chrono::milliseconds grace) {
  const auto until = Clock::now() + grace;
  while (!live.empty() && Clock::now() < until) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      live.erase(pid);
      RemoveLeftoverSegments(pid);
    } else {
      std::this_thread::sleep_for(kPollInterval);
    }
  }
  return live.empty();
}

void TerminateAll(std::map<pid_t, uint32_t>& live) {
  SignalAll(live, SIGTERM);
  if (ReapAll(live, kTermGrace)) return;
  SignalAll(live, SIGKILL);
  ReapAll(live, kTermGrace);
}

}  // namespace

int RunRanks(uint32_t ranks, const std::function<int(uint32_t)>& body,
             std::chrono::seconds deadline) {
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t parent = getpid();
  std::map<pid_t, uint32_t> live;
  for (uint32_t r = 0; r < ranks; ++r) {
    const pid_t pid = fork();
    if (pid == 0) RunChild(r, body, parent);
    if (pid < 0) {
      std::fprintf(stderr, "ccs-bench: fork of rank %u failed: %s\n", r,
                   std::strerror(errno));
      TerminateAll(live);
      return kExitRankFailed;
    }
    live[pid] = r;
  }

  const auto until = Clock::now() + deadline;
  int result = kExitOk;
  while (!live.empty()) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      const uint32_t rank = live[pid];
      live.erase(pid);
      RemoveLeftoverSegments(pid);
      if (WIFEXITED(status) && WEXITSTATUS(status) == kExitOk) continue;
      if (WIFEXITED(status) && WEXITSTATUS(status) == kExitWrongResults) {
        result = kExitWrongResults;
        continue;
      }
      std::fprintf(stderr, "ccs-bench: rank %u (pid %d) %s; stopping the other ranks\n",
                   rank, static_cast<int>(pid), Describe(status).c_str());
      TerminateAll(live);
      return kExitRankFailed;
    }
    if (Clock::now() >= until) {
      std::fprintf(stderr,
                   "ccs-bench: %zu rank(s) still running after the %lld s deadline "
                   "(--timeout); stopping them\n",
                   live.size(), static_cast<long long>(deadline.count()));
      TerminateAll(live);
      return kExitRankFailed;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return result;
}

}  // namespace ccs::bench
