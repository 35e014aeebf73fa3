// N ccs-test-rank worker processes of one test, with captured output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/subprocess.h"

namespace ccs::it {

// How one worker ended, with everything it printed.
struct RankResult {
  size_t index = 0;
  pid_t pid = -1;
  std::vector<std::string> args;
  ExitStatus status;
  bool timed_out = false;  // killed by WaitAll's deadline
  bool running = false;    // from Peek(): still running, status not known yet
  std::string out;
  std::string err;
};

// Worker processes (fork+exec of $CCS_TEST_RANK with the given arguments),
// each with stdout and stderr captured in files of a private temp dir.
// The destructor SIGKILLs and reaps whatever still runs, removes the temp dir
// and the /dev/shm/ccs-<pid>-* segments of every worker. Not thread-safe.
class RankProcesses {
 public:
  RankProcesses();
  ~RankProcesses();
  RankProcesses(const RankProcesses&) = delete;
  RankProcesses& operator=(const RankProcesses&) = delete;

  // Starts `ccs-test-rank args...`; returns its index (0, 1, ...). With `as`,
  // the worker runs under that uid/gid (the test must run as root).
  size_t Start(const std::vector<std::string>& args,
               std::optional<Credentials> as = std::nullopt);
  // Starts n workers; worker i gets args_of(i).
  void StartEach(size_t n,
                 const std::function<std::vector<std::string>(size_t)>& args_of);

  size_t size() const { return procs_.size(); }
  pid_t pid(size_t i) const { return procs_.at(i)->pid(); }
  // What worker i printed to stdout so far.
  std::string Stdout(size_t i) const;
  // Waits until worker i's stdout contains `needle`; false on timeout or if
  // the worker exited first.
  bool WaitForOutput(size_t i, const std::string& needle,
                     std::chrono::milliseconds timeout);
  // Worker i's output so far, without waiting (running = true if it runs).
  RankResult Peek(size_t i);
  // Sends a signal to worker i.
  void Signal(size_t i, int sig);
  // Waits for worker i to end (SIGKILL after `timeout`).
  RankResult Wait(size_t i, std::chrono::milliseconds timeout);
  // Waits for every worker until one shared deadline; on timeout kills all
  // that still run (marked timed_out). Results are in start order.
  std::vector<RankResult> WaitAll(std::chrono::milliseconds timeout);

 private:
  RankResult Collect(size_t i, ExitStatus status, bool timed_out) const;

  TempDir dir_;
  std::string binary_;
  std::vector<std::unique_ptr<Subprocess>> procs_;
  std::vector<std::vector<std::string>> args_;
};

// "" when every worker exited 0; otherwise a report of the first failure
// (arguments, exit status, stdout, stderr) followed by a one-line summary of
// the others.
std::string FirstFailure(const std::vector<RankResult>& results);

// Full report of one worker, for INFO().
std::string Describe(const RankResult& r);

}  // namespace ccs::it
