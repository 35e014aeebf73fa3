#include "harness/subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ccs::it {
namespace {

int OpenForAppend(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::runtime_error("cannot open " + path + ": " + strerror(errno));
  }
  return fd;
}

ExitStatus FromWaitStatus(int ws) {
  ExitStatus s;
  if (WIFEXITED(ws)) {
    s.exited = true;
    s.code = WEXITSTATUS(ws);
  } else if (WIFSIGNALED(ws)) {
    s.signal = WTERMSIG(ws);
  }
  return s;
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(char* const* argv, char* const* envp, int out_fd, int err_fd,
                            pid_t parent, const std::optional<Credentials>& as) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(126);  // parent already gone
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  if (as && (::setgroups(0, nullptr) != 0 || ::setgid(as->gid) != 0 ||
             ::setuid(as->uid) != 0)) {
    const char msg[] = "cannot switch uid/gid\n";
    (void)!::write(STDERR_FILENO, msg, sizeof(msg) - 1);
    ::_exit(126);
  }
  // PDEATHSIG is cleared by a credential change: set it again.
  if (as) ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  ::execve(argv[0], argv, envp);
  const char msg[] = "exec failed: ";
  (void)!::write(STDERR_FILENO, msg, sizeof(msg) - 1);
  (void)!::write(STDERR_FILENO, argv[0], ::strlen(argv[0]));
  (void)!::write(STDERR_FILENO, "\n", 1);
  ::_exit(127);
}

}  // namespace

std::string ExitStatus::Describe() const {
  if (exited) return "exit " + std::to_string(code);
  if (signal != 0) {
    return "signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "unknown status";
}

Subprocess::Subprocess(const std::vector<std::string>& argv,
                       const std::string& stdout_path, const std::string& stderr_path,
                       std::optional<Credentials> as)
    : argv_(argv) {
  if (argv.empty()) throw std::runtime_error("Subprocess: empty argv");
  // Everything the child needs is prepared before fork: no allocation after.
  std::vector<char*> cargv;
  for (const auto& a : argv_) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  // Children get this environment minus CCS_*: ccsd and the SDK read
  // settings from CCS_* variables, and a test passes all of its own as flags.
  std::vector<char*> cenv;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "CCS_", 4) != 0) cenv.push_back(*e);
  }
  cenv.push_back(nullptr);
  int out_fd = OpenForAppend(stdout_path);
  int err_fd = stderr_path == stdout_path ? ::dup(out_fd) : OpenForAppend(stderr_path);
  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) ExecChild(cargv.data(), cenv.data(), out_fd, err_fd, parent, as);
  int fork_errno = errno;
  ::close(out_fd);
  ::close(err_fd);
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + strerror(fork_errno));
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !status_) KillAndWait();
}

std::optional<ExitStatus> Subprocess::Poll() {
  if (status_) return status_;
  int ws = 0;
  pid_t r = ::waitpid(pid_, &ws, WNOHANG);
  if (r == pid_) status_ = FromWaitStatus(ws);
  return status_;
}

std::optional<ExitStatus> Subprocess::WaitFor(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!Poll()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

void Subprocess::Signal(int sig) {
  if (!status_ && pid_ > 0) ::kill(pid_, sig);
}

ExitStatus Subprocess::KillAndWait() {
  if (status_) return *status_;
  ::kill(pid_, SIGKILL);
  int ws = 0;
  while (::waitpid(pid_, &ws, 0) < 0 && errno == EINTR) {
  }
  status_ = FromWaitStatus(ws);
  return *status_;
}

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + tmpl + ": " + strerror(errno));
  }
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout) {
  TempDir dir("ccs-it-cmd-");
  CommandResult result;
  {
    Subprocess p(argv, dir.Join("out"), dir.Join("err"));
    auto st = p.WaitFor(timeout);
    result.timed_out = !st.has_value();
    result.status = st ? *st : p.KillAndWait();
  }
  result.out = ReadFile(dir.Join("out"));
  result.err = ReadFile(dir.Join("err"));
  return result;
}

int64_t MonotonicMs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

std::vector<std::string> ShmSegmentsOf(pid_t pid) {
  const std::string prefix = "ccs-" + std::to_string(pid) + "-";
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/dev/shm", ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  return names;
}

void RemoveShmSegmentsOf(pid_t pid) {
  std::error_code ec;
  for (const auto& name : ShmSegmentsOf(pid)) {
    std::filesystem::remove("/dev/shm/" + name, ec);
  }
}

}  // namespace ccs::it
