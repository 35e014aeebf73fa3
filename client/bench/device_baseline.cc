#include "client/bench/device_baseline.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>

namespace ccs::bench {
namespace {

// Line protocol child -> parent: "m <bytes> <us>", "n <count> <us>",
// "M <memcpy note>", "N <nccl note>".
std::string Serialize(const DeviceBaselines& b) {
  std::ostringstream out;
  out.precision(17);
  for (const auto& [bytes, us] : b.memcpy_us) out << "m " << bytes << " " << us << "\n";
  for (const auto& [count, us] : b.nccl_us) out << "n " << count << " " << us << "\n";
  out << "M " << b.memcpy_note << "\nN " << b.nccl_note << "\n";
  return out.str();
}

DeviceBaselines Parse(const std::string& text) {
  DeviceBaselines b;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() < 2) continue;
    std::istringstream fields(line.substr(2));
    uint64_t key = 0;
    double us = 0;
    switch (line[0]) {
      case 'm':
        if (fields >> key >> us) b.memcpy_us[key] = us;
        break;
      case 'n':
        if (fields >> key >> us) b.nccl_us[key] = us;
        break;
      case 'M':
        b.memcpy_note = line.substr(2);
        break;
      case 'N':
        b.nccl_note = line.substr(2);
        break;
    }
  }
  return b;
}

void WriteAll(int fd, const std::string& s) {
  for (size_t done = 0; done < s.size();) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

DeviceBaselines MeasureDeviceBaselines(const BenchOptions& options) {
  int fds[2];
  DeviceBaselines failed;
  if (::pipe(fds) != 0) {
    failed.memcpy_note = failed.nccl_note = "not run: pipe() failed";
    return failed;
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(1);
    std::string text;
    try {
      text = Serialize(MeasureDeviceBaselinesHere(options));
    } catch (const std::exception& e) {
      DeviceBaselines b;
      b.memcpy_note = b.nccl_note = std::string("not run: ") + e.what();
      text = Serialize(b);
    }
    WriteAll(fds[1], text);
    _exit(0);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    failed.memcpy_note = failed.nccl_note = "not run: fork() failed";
    return failed;
  }
  std::string text;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + options.deadline;
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fds[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    const ssize_t n = ::read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (text.empty() || timed_out) {
    failed.memcpy_note = failed.nccl_note =
        timed_out ? "not run: the baseline process ran past --timeout"
                  : "not run: the baseline process ended without a report";
    return failed;
  }
  return Parse(text);
}

}  // namespace ccs::bench
