// Helper processes for the multi-process rendezvous tests.
//
// The test process serves a store over gRPC, so it has threads: children are
// started with posix_spawn (no fork of a threaded process) and exec a helper
// binary at once.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ccs::rendezvous::testing {

// One child: argv[0] (a path) with stdout and stderr written to
// `output_path`. Destroying a ChildProcess that still runs SIGKILLs and reaps
// it, so a failing test leaves nothing behind. Not thread-safe.
class ChildProcess {
 public:
  // Throws std::runtime_error naming argv[0] if it cannot be started.
  ChildProcess(std::vector<std::string> argv, std::string output_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits up to `timeout` (no polling loop: poll(2) on a pidfd) and reaps the
  // child. Its exit code, 128 + signal number if it was killed, or nullopt
  // if it is still running.
  std::optional<int> WaitFor(std::chrono::milliseconds timeout);
  // What the child wrote so far.
  std::string Output() const;

 private:
  std::vector<std::string> argv_;
  std::string output_path_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> exit_code_;
};

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace ccs::rendezvous::testing
