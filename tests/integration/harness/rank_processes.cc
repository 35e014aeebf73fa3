#include "harness/rank_processes.h"

#include <signal.h>

#include <thread>

#include "harness/test_env.h"

namespace ccs::it {
namespace {

std::string OutPath(const TempDir& dir, size_t i) {
  return dir.Join("rank" + std::to_string(i) + ".out");
}
std::string ErrPath(const TempDir& dir, size_t i) {
  return dir.Join("rank" + std::to_string(i) + ".err");
}

std::string Joined(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

// The last `n` lines of `text`.
std::string LastLines(const std::string& text, int n) {
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (int i = 0; i < n && pos != std::string::npos && pos > 0; ++i) {
    pos = text.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

}  // namespace

RankProcesses::RankProcesses() : dir_("ccs-it-r-"), binary_(RankWorkerPath()) {}

RankProcesses::~RankProcesses() {
  for (auto& p : procs_) {
    p->KillAndWait();
    RemoveShmSegmentsOf(p->pid());
  }
}

size_t RankProcesses::Start(const std::vector<std::string>& args,
                            std::optional<Credentials> as) {
  size_t i = procs_.size();
  std::vector<std::string> argv = {binary_};
  argv.insert(argv.end(), args.begin(), args.end());
  procs_.push_back(
      std::make_unique<Subprocess>(argv, OutPath(dir_, i), ErrPath(dir_, i), as));
  args_.push_back(args);
  return i;
}

void RankProcesses::StartEach(
    size_t n, const std::function<std::vector<std::string>(size_t)>& args_of) {
  for (size_t i = 0; i < n; ++i) Start(args_of(i));
}

std::string RankProcesses::Stdout(size_t i) const { return ReadFile(OutPath(dir_, i)); }

bool RankProcesses::WaitForOutput(size_t i, const std::string& needle,
                                  std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Stdout(i).find(needle) == std::string::npos) {
    if (procs_.at(i)->Poll()) return Stdout(i).find(needle) != std::string::npos;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

RankResult RankProcesses::Peek(size_t i) {
  auto st = procs_.at(i)->Poll();
  RankResult r = Collect(i, st.value_or(ExitStatus{}), false);
  r.running = !st.has_value();
  return r;
}

void RankProcesses::Signal(size_t i, int sig) { procs_.at(i)->Signal(sig); }

RankResult RankProcesses::Collect(size_t i, ExitStatus status, bool timed_out) const {
  RankResult r;
  r.index = i;
  r.pid = procs_[i]->pid();
  r.args = args_[i];
  r.status = status;
  r.timed_out = timed_out;
  r.out = ReadFile(OutPath(dir_, i));
  r.err = ReadFile(ErrPath(dir_, i));
  return r;
}

RankResult RankProcesses::Wait(size_t i, std::chrono::milliseconds timeout) {
  auto st = procs_.at(i)->WaitFor(timeout);
  bool timed_out = !st.has_value();
  if (!st) st = procs_[i]->KillAndWait();
  return Collect(i, *st, timed_out);
}

std::vector<RankResult> RankProcesses::WaitAll(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<bool> killed(procs_.size(), false);
  for (size_t i = 0; i < procs_.size(); ++i) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (procs_[i]->WaitFor(std::max(left, std::chrono::milliseconds(0)))) continue;
    // Deadline passed: kill everyone still running.
    for (size_t j = i; j < procs_.size(); ++j) {
      if (!procs_[j]->Poll()) {
        killed[j] = true;
        procs_[j]->Signal(SIGKILL);
      }
    }
    break;
  }
  std::vector<RankResult> results;
  for (size_t i = 0; i < procs_.size(); ++i) {
    results.push_back(Collect(i, procs_[i]->KillAndWait(), killed[i]));
  }
  return results;
}

std::string Describe(const RankResult& r) {
  std::string s = "worker #" + std::to_string(r.index) + " (pid " +
                  std::to_string(r.pid) + ") `ccs-test-rank " + Joined(r.args) + "`: " +
                  (r.running ? std::string("still running") : r.status.Describe()) +
                  (r.timed_out ? " [killed: test deadline passed]" : "") + "\n";
  s += "--- stdout ---\n" + r.out + "--- stderr ---\n" + r.err + "--- end ---\n";
  return s;
}

std::string FirstFailure(const std::vector<RankResult>& results) {
  std::string report;
  for (const auto& r : results) {
    if (r.status.ok()) continue;
    if (report.empty()) {
      report = "FIRST FAILURE: " + Describe(r);
    } else {
      report += "also failed: worker #" + std::to_string(r.index) + " (pid " +
                std::to_string(r.pid) + ") " + r.status.Describe() +
                (r.timed_out ? " [deadline]" : "") +
                ", last output: " + LastLines(r.out, 3) + "\n";
    }
  }
  return report;
}

}  // namespace ccs::it
