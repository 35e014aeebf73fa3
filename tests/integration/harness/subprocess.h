// Child processes for integration tests: fork+exec with captured output.
//
// Nothing here touches gRPC. The test drivers never create gRPC objects, so
// forking from them is always safe; every client-side gRPC call runs in a
// separately exec'd ccs-test-rank process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ccs::it {

// How a child ended.
struct ExitStatus {
  bool exited = false;  // true: exit(code); false: killed by `signal`
  int code = -1;
  int signal = 0;

  bool ok() const { return exited && code == 0; }
  // "exit 0", "exit 3", "signal 9 (Killed)".
  std::string Describe() const;
};

// One child process: fork and exec of argv[0] (a path) with stdout and
// stderr appended to the given files, and the environment minus CCS_*
// variables (ccsd and the SDK read settings from them; tests pass flags). The child gets
// PR_SET_PDEATHSIG=SIGKILL, so it never outlives the test process. Destroying a
// Subprocess that is still running SIGKILLs and reaps it. Not thread-safe.
struct Credentials {
  uid_t uid;
  gid_t gid;
};

class Subprocess {
 public:
  // Throws std::runtime_error when fork fails or argv is empty. An exec
  // failure shows as exit code 127 with the reason in the stderr file.
  // With `as`, the child drops its supplementary groups and switches to that
  // uid/gid before exec (needs root; failure shows as exit code 126).
  Subprocess(const std::vector<std::string>& argv, const std::string& stdout_path,
             const std::string& stderr_path,
             std::optional<Credentials> as = std::nullopt);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  const std::vector<std::string>& argv() const { return argv_; }

  // The exit status if the child has ended (reaps it); nullopt while it runs.
  std::optional<ExitStatus> Poll();
  // Waits up to `timeout` for the child to end.
  std::optional<ExitStatus> WaitFor(std::chrono::milliseconds timeout);
  // Sends `sig` unless the child was already reaped.
  void Signal(int sig);
  // SIGKILL (if still running) and reap.
  ExitStatus KillAndWait();

 private:
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

// A fresh directory from mkdtemp under /tmp, removed recursively on
// destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "ccs-it-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Whole file as a string; "" if it cannot be read.
std::string ReadFile(const std::string& path);

// Result of a short command run to completion.
struct CommandResult {
  ExitStatus status;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs argv to completion (SIGKILL after `timeout`) and captures its output.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout);

// CLOCK_MONOTONIC in milliseconds; the same clock in every process of the
// machine, so a worker's timestamps compare with the driver's.
int64_t MonotonicMs();

// Names of /dev/shm/ccs-<pid>-* (segments of the SDK in process `pid`).
std::vector<std::string> ShmSegmentsOf(pid_t pid);
// Removes /dev/shm/ccs-<pid>-* (segments a dead SDK process left behind).
void RemoveShmSegmentsOf(pid_t pid);

}  // namespace ccs::it
