#include "harness/daemon_process.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "harness/test_env.h"

namespace ccs::it {
namespace {

bool SocketAccepts(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

DaemonProcess::DaemonProcess(DaemonOptions options)
    : options_(std::move(options)), dir_("ccs-it-d-") {
  socket_path_ = dir_.Join("ccs.sock");
  address_ = "unix://" + socket_path_;
  log_path_ = dir_.Join("ccsd.log");
  Spawn();
  WaitReady();
}

void DaemonProcess::Spawn() {
  std::vector<std::string> argv = {
      options_.binary.empty() ? CcsdPath() : options_.binary, "--socket", socket_path_,
      "--log-level", options_.log_level};
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  argv.insert(argv.begin(), options_.command_prefix.begin(), options_.command_prefix.end());
  process_ = std::make_unique<Subprocess>(argv, log_path_, log_path_);
}

void DaemonProcess::Restart() {
  Stop();
  stopped_.reset();
  needed_kill_ = false;
  Spawn();
  WaitReady();
}

DaemonProcess::~DaemonProcess() {
  const bool was_running = Running();
  ExitStatus st = Stop();
  if (CurrentTestFailed() || std::uncaught_exceptions() > 0) {
    std::cerr << LogReport() << "ccsd " << (was_running ? "stopped: " : "had already ended: ")
              << st.Describe()
              << (needed_kill_ ? " (SIGKILL: it ignored SIGTERM for the stop timeout)" : "")
              << "\n"
              << std::flush;
  }
}

void DaemonProcess::WaitReady() {
  auto deadline = std::chrono::steady_clock::now() + options_.ready_timeout;
  auto fail = [&](const std::string& why) {
    std::string report = "ccsd did not become ready: " + why + "\n" + LogReport();
    Stop();
    throw std::runtime_error(report);
  };
  struct stat st {};
  while (::stat(socket_path_.c_str(), &st) != 0 || !SocketAccepts(socket_path_)) {
    if (auto s = process_->Poll()) fail("it exited (" + s->Describe() + ")");
    if (std::chrono::steady_clock::now() >= deadline) {
      fail("socket " + socket_path_ + " not accepting connections");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // A session through the SDK, in a separate process (no gRPC in this one).
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() < 1000) left = std::chrono::milliseconds(1000);
  CommandResult ping =
      RunCommand({RankWorkerPath(), "ping", "--addr", address_, "--timeout-ms",
                  std::to_string(left.count())},
                 left + std::chrono::seconds(5));
  if (!ping.status.ok()) {
    fail("ccs-test-rank ping " + ping.status.Describe() + ": " + ping.out + ping.err);
  }
}

bool DaemonProcess::Running() { return !process_->Poll().has_value(); }

void DaemonProcess::Signal(int sig) { process_->Signal(sig); }

std::optional<ExitStatus> DaemonProcess::WaitExit(std::chrono::milliseconds timeout) {
  if (stopped_) return stopped_;
  auto s = process_->WaitFor(timeout);
  if (s) stopped_ = s;
  return s;
}

ExitStatus DaemonProcess::Stop() {
  if (stopped_) return *stopped_;
  if (auto s = process_->Poll()) {
    stopped_ = s;
    return *s;
  }
  process_->Signal(SIGTERM);
  auto s = process_->WaitFor(options_.stop_timeout);
  if (!s) {
    needed_kill_ = true;
    s = process_->KillAndWait();
  }
  stopped_ = s;
  return *s;
}

std::string DaemonProcess::Log() const { return ReadFile(log_path_); }

std::string DaemonProcess::LogReport() const {
  std::string log = Log();
  constexpr size_t kMax = 64 * 1024;
  if (log.size() > kMax) {
    log = "[... " + std::to_string(log.size() - kMax) + " bytes cut ...]\n" +
          log.substr(log.size() - kMax);
  }
  return "===== ccsd log (pid " + std::to_string(process_->pid()) + ", " + log_path_ +
         ") =====\n" + log + "\n===== end of ccsd log =====\n";
}

CommandResult DaemonProcess::Ctl(const std::vector<std::string>& args,
                                 std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv = {CcsctlPath(), "--addr", address_};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, timeout);
}

}  // namespace ccs::it
