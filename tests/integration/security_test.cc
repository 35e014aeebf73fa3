// Who may do what: the socket's mode, ownership of shared memory, per-session
// limits, and sessions that reach for each other's buffers.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"

namespace ccs::it {
namespace {

using Strings = std::vector<std::string>;
constexpr uid_t kNobody = 65534;

// A POSIX shm segment made by the test (as root) and handed to `owner`;
// unlinked on destruction.
class ForeignSegment {
 public:
  ForeignSegment(uid_t owner, mode_t mode, size_t bytes)
      : name_("/ccs-it-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter_++)) {
    int fd = ::shm_open(name_.c_str(), O_CREAT | O_EXCL | O_RDWR, mode);
    REQUIRE(fd >= 0);
    created_ = true;
    bool ok = ::ftruncate(fd, static_cast<off_t>(bytes)) == 0 &&
              ::fchown(fd, owner, owner) == 0 && ::fchmod(fd, mode) == 0;
    ::close(fd);
    REQUIRE(ok);
  }
  ~ForeignSegment() {
    if (created_) ::shm_unlink(name_.c_str());
  }
  const std::string& name() const { return name_; }

 private:
  static inline int counter_ = 0;
  std::string name_;
  bool created_ = false;
};

// The tests that hand memory or processes to another uid need root; they
// fail loudly (never skip) otherwise.
void RequireRoot() {
  INFO(
      "this test creates segments and processes of uid 65534: run it as root, or "
      "exclude it with the tag filter ~[root]");
  REQUIRE(::geteuid() == 0);
}

}  // namespace

TEST_CASE("the daemon's socket is a socket with mode 0660", "[security]") {
  DaemonProcess daemon;
  struct stat st {};
  REQUIRE(::stat(daemon.socket_path().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  INFO("mode " << std::oct << (st.st_mode & 07777));
  CHECK((st.st_mode & 07777) == 0660);
}

TEST_CASE("the socket mode keeps out other users and lets the group in",
          "[security][root]") {
  RequireRoot();
  DaemonProcess daemon;
  // Let others traverse the temp dir: from then on only the socket's mode decides.
  REQUIRE(::chmod(daemon.dir().c_str(), 0711) == 0);
  RankProcesses ranks;
  const Strings ping = {"ping", "--addr", daemon.address(), "--timeout-ms", "1500"};
  ranks.Start(ping, Credentials{kNobody, kNobody});  // other: no access
  ranks.Start(ping, Credentials{kNobody, 0});        // group root: rw
  auto results = ranks.WaitAll(std::chrono::seconds(30));
  INFO(Describe(results[0]));
  CHECK(results[0].status.exited);
  CHECK(results[0].status.code == 1);  // could not connect
  INFO(Describe(results[1]));
  CHECK(results[1].status.ok());
}

TEST_CASE("a shm segment owned by another uid cannot be registered", "[security][root]") {
  RequireRoot();
  DaemonProcess daemon;
  const mode_t mode = GENERATE(mode_t{0600}, mode_t{0666});
  DYNAMIC_SECTION("segment mode " << std::oct << mode) {
    ForeignSegment seg(kNobody, mode, 4096);
    RankProcesses ranks;
    ranks.Start({"register-shm", "--addr", daemon.address(), "--name", seg.name(),
                 "--bytes", "4096"});
    RankResult r = RequireAllExitOk(ranks)[0];
    ResultLine line = RequireCode(r, "register", "PERMISSION_DENIED");
    INFO(Get(line, "message"));
    CHECK(Get(line, "message").find(seg.name()) != std::string::npos);
  }
}

TEST_CASE("a session of another uid cannot register root's segment", "[security][root]") {
  RequireRoot();
  DaemonProcess daemon;
  REQUIRE(::chmod(daemon.dir().c_str(), 0711) == 0);
  // World-readable and writable, so the worker can map it: only the daemon's
  // ownership check stands in the way.
  ForeignSegment seg(0, 0666, 4096);
  RankProcesses ranks;
  ranks.Start({"register-shm", "--addr", daemon.address(), "--name", seg.name(),
               "--bytes", "4096"},
              Credentials{kNobody, 0});
  RankResult r = RequireAllExitOk(ranks)[0];
  RequireCode(r, "register", "PERMISSION_DENIED");
}

TEST_CASE("registering more bytes than the segment holds is rejected", "[security]") {
  DaemonProcess daemon;
  ForeignSegment seg(::geteuid(), 0600, 4096);
  RankProcesses ranks;
  ranks.Start({"register-shm", "--addr", daemon.address(), "--name", seg.name(),
               "--bytes", "8192"});
  RankResult r = RequireAllExitOk(ranks)[0];
  RequireCodeIn(r, "register", {"INVALID_ARGUMENT", "OUT_OF_RANGE"});
}

TEST_CASE("per-session limits answer RESOURCE_EXHAUSTED", "[security]") {
  SECTION("--max-buffers-per-session") {
    DaemonProcess daemon(WithFlags({"--max-buffers-per-session", "3"}));
    RankProcesses ranks;
    const Strings four = {"create-buffers", "--addr", daemon.address(), "--sizes",
                          "4096,4096,4096,4096"};
    ranks.Start(four);
    ranks.Start(four);  // a second session has its own allowance
    for (const auto& r : RequireAllExitOk(ranks)) {
      for (int i = 0; i < 3; ++i) RequireCode(r, "buf" + std::to_string(i), "OK");
      ResultLine over = RequireCode(r, "buf3", "RESOURCE_EXHAUSTED");
      INFO(Get(over, "message"));
      CHECK(MentionsNumber(Get(over, "message"), 3));
      INFO("segments left behind by pid " << r.pid);
      CHECK(ShmSegmentsOf(r.pid).empty());
    }
  }
  SECTION("--max-mapped-bytes-per-session") {
    DaemonProcess daemon(WithFlags({"--max-mapped-bytes-per-session", "1048576"}));
    RankProcesses ranks;
    ranks.Start({"create-buffers", "--addr", daemon.address(), "--sizes",
                 "524288,524288,4096,2097152"});
    RankResult r = RequireAllExitOk(ranks)[0];
    RequireCode(r, "buf0", "OK");
    RequireCode(r, "buf1", "OK");
    RequireCode(r, "buf2", "RESOURCE_EXHAUSTED");
    RequireCode(r, "buf3", "RESOURCE_EXHAUSTED");
  }
  SECTION("--max-groups-per-session") {
    DaemonProcess daemon(WithFlags({"--max-groups-per-session", "2"}));
    RankProcesses ranks;
    ranks.Start({"join-many", "--addr", daemon.address(), "--groups", "3"});
    RankResult r = RequireAllExitOk(ranks)[0];
    RequireCode(r, "join0", "OK");
    RequireCode(r, "join1", "OK");
    RequireCode(r, "join2", "RESOURCE_EXHAUSTED");
  }
}

TEST_CASE("a client shrinking its registered segment cannot crash the daemon",
          "[security]") {
  // The worker registers a 1 MiB segment of its own, truncates it to 0 bytes
  // and then runs an all_reduce over it. The daemon may fail that op, but it
  // must survive: other sessions depend on it.
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start({"shrink-after-register", "--addr", daemon.address()});
  RankResult r = RequireAllExitOk(ranks)[0];
  RequireCode(r, "before", "OK");
  ResultLine after = RequireStep(r, "after_shrink");
  INFO("after the shrink: " << Get(after, "code") << " " << Get(after, "message"));
  CHECK(Get(after, "code") != "UNAVAILABLE");
  REQUIRE(daemon.Running());
  RankProcesses others;
  others.Start(RankArgs("join", daemon, "bystander", 1, 0, {"--allreduce"}));
  RequireCode(RequireAllExitOk(others)[0], "allreduce", "OK");
}

// Two Clients (sessions) in one process. The SDK refuses another Client's
// HostBuffer itself (INVALID_ARGUMENT); the daemon's own check would answer
// NOT_FOUND or PERMISSION_DENIED. The owner's memory must stay untouched.
TEST_CASE("a session cannot use another session's buffer", "[security]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start({"foreign-buffer", "--addr", daemon.address()});
  RankResult r = RequireAllExitOk(ranks)[0];
  for (const char* step : {"foreign_recv", "foreign_send"}) {
    ResultLine line =
        RequireCodeIn(r, step, {"NOT_FOUND", "PERMISSION_DENIED", "INVALID_ARGUMENT"});
    INFO(step << ": " << Get(line, "message"));
    CHECK(MentionsNumber(Get(line, "message"), GetInt(line, "foreign_id")));
  }
  CHECK(Get(RequireStep(r, "foreign_recv"), "foreign_unchanged") == "1");
  RequireCode(r, "own", "OK");
}

}  // namespace ccs::it
