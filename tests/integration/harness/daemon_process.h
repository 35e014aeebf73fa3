// A real ccsd for one test: its own temp dir, socket and log file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/subprocess.h"

namespace ccs::it {

struct DaemonOptions {
  // Flags after `--socket <dir>/ccs.sock`, e.g. {"--op-timeout-ms", "1000"}.
  std::vector<std::string> extra_args;
  // Start() fails if the daemon is not serving within this time.
  std::chrono::milliseconds ready_timeout{10000};
  // Stop(): SIGTERM, then SIGKILL after this long.
  std::chrono::milliseconds stop_timeout{5000};
  // Passed as --log-level (the log is printed when a test fails).
  std::string log_level = "debug";
  // Default: $CCSD.
  std::string binary;
  // Run as `prefix... ccsd ...`, e.g. {"ip", "netns", "exec", "ns1"}; the
  // prefix must exec ccsd in place so that pid() is the daemon's.
  std::vector<std::string> command_prefix;
};

// Default options plus `flags` as extra_args.
inline DaemonOptions WithFlags(std::vector<std::string> flags) {
  DaemonOptions o;
  o.extra_args = std::move(flags);
  return o;
}

// Starts ccsd (fork+exec of $CCSD; this process holds no gRPC state) with
// `--socket <tmpdir>/ccs.sock --log-level <log_level>`, its stdout and stderr in
// <tmpdir>/ccsd.log, and waits until it is ready: the socket accepts a
// connection and `ccs-test-rank ping` opens a session through the SDK. The
// constructor throws std::runtime_error (with the daemon's log) when the daemon
// exits or is not ready in time. The destructor stops the daemon, prints its
// log to stderr if the current test failed (or is unwinding), and removes the
// temp dir. Not thread-safe.
class DaemonProcess {
 public:
  explicit DaemonProcess(DaemonOptions options = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // "unix://<dir>/ccs.sock": pass to ccs-test-rank --addr and ccsctl --addr.
  const std::string& address() const { return address_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& dir() const { return dir_.path(); }
  pid_t pid() const { return process_->pid(); }

  // Whether the daemon process is still running.
  bool Running();
  // SIGTERM; SIGKILL after stop_timeout. Idempotent: returns how it ended.
  ExitStatus Stop();
  // Sends `sig` to the daemon without waiting (e.g. SIGTERM to watch it
  // drain).
  void Signal(int sig);
  // Waits up to `timeout` for the daemon to exit on its own; nullopt if it
  // still runs. Once it has exited, Stop() returns the same status.
  std::optional<ExitStatus> WaitExit(std::chrono::milliseconds timeout);
  // Stop(), then start a new ccsd with the same arguments (same socket path,
  // same log file, appended) and wait until it is ready. Throws like the
  // constructor.
  void Restart();
  // Whether the last Stop() needed SIGKILL.
  bool NeededKill() const { return needed_kill_; }
  // The daemon's log so far.
  std::string Log() const;
  // The log, framed for a test report.
  std::string LogReport() const;

  // Runs `ccsctl --addr <address> args...` and returns its result.
  CommandResult Ctl(const std::vector<std::string>& args,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  void Spawn();
  void WaitReady();

  DaemonOptions options_;
  TempDir dir_;
  std::string socket_path_;
  std::string address_;
  std::string log_path_;
  std::unique_ptr<Subprocess> process_;
  std::optional<ExitStatus> stopped_;
  bool needed_kill_ = false;
};

}  // namespace ccs::it
