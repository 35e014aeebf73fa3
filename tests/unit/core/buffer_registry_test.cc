#include "daemon/core/buffer_registry.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>

namespace ccs {
namespace {

// A shared-memory segment removed at scope exit.
struct Segment {
  explicit Segment(size_t bytes) {
    name = "/ccs-unit-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, static_cast<off_t>(bytes)) == 0);
    close(fd);
  }
  ~Segment() { shm_unlink(name.c_str()); }
  std::string name;
  static inline int counter = 0;
};

Session MakeSession(uint64_t id) {
  Session s;
  s.id = id;
  s.identity.has_credentials = true;
  s.identity.uid = getuid();
  return s;
}

TEST_CASE("Registered buffers resolve inside their bounds only", "[buffers]") {
  Segment seg(4096);
  BufferRegistry reg(Limits{});
  auto id = reg.RegisterShm(MakeSession(1), seg.name, 4096);
  REQUIRE(id.ok());
  auto r = reg.Resolve(1, *id, 4000, 96);
  REQUIRE(r.ok());
  std::memset(r->data, 7, 96);
  CHECK(reg.Resolve(1, *id, 4000, 97).status().code() == StatusCode::kInvalidArgument);
  CHECK(reg.Resolve(1, *id, UINT64_MAX, 2).status().code() == StatusCode::kInvalidArgument);
  CHECK(reg.Resolve(2, *id, 0, 1).status().code() == StatusCode::kNotFound);
  CHECK(reg.Resolve(1, *id + 100, 0, 1).status().code() == StatusCode::kNotFound);
}

TEST_CASE("Registration errors name the segment", "[buffers]") {
  BufferRegistry reg(Limits{});
  auto s = reg.RegisterShm(MakeSession(1), "/ccs-unit-does-not-exist", 10).status();
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message().find("/ccs-unit-does-not-exist") != std::string::npos);
  CHECK(reg.RegisterShm(MakeSession(1), "no-slash", 10).status().code() ==
        StatusCode::kInvalidArgument);
  Segment small(100);
  CHECK(reg.RegisterShm(MakeSession(1), small.name, 101).status().code() ==
        StatusCode::kInvalidArgument);
  Session other = MakeSession(1);
  other.identity.uid = getuid() + 1;
  CHECK(reg.RegisterShm(other, small.name, 100).status().code() ==
        StatusCode::kPermissionDenied);
}

TEST_CASE("Per-session limits give RESOURCE_EXHAUSTED", "[buffers]") {
  Segment seg(1024);
  Limits limits;
  limits.max_buffers_per_session = 2;
  limits.max_mapped_bytes_per_session = 1500;
  BufferRegistry reg(limits);
  REQUIRE(reg.RegisterShm(MakeSession(1), seg.name, 1000).ok());
  CHECK(reg.RegisterShm(MakeSession(1), seg.name, 600).status().code() ==
        StatusCode::kResourceExhausted);
  REQUIRE(reg.RegisterShm(MakeSession(1), seg.name, 500).ok());
  CHECK(reg.RegisterShm(MakeSession(1), seg.name, 1).status().code() ==
        StatusCode::kResourceExhausted);
  // Another session has its own budget.
  CHECK(reg.RegisterShm(MakeSession(2), seg.name, 1000).ok());
}

TEST_CASE("Registrations mapping at once cannot pass the limits together", "[buffers]") {
  Limits limits;
  limits.max_buffers_per_session = 1;
  BufferRegistry reg(limits);
  static std::byte device_memory[64];
  auto map = [] { return StatusOr<DeviceRange>(DeviceRange{device_memory, 0, nullptr}); };
  // The first registration passes the check, then maps (outside the lock);
  // meanwhile a second registration of the session completes.
  StatusOr<uint64_t> inner = NotFound("not run");
  StatusOr<uint64_t> outer = reg.RegisterDevice(MakeSession(1), "GPU-x", 64, [&] {
    inner = reg.RegisterDevice(MakeSession(1), "GPU-x", 64, map);
    return map();
  });
  REQUIRE(inner.ok());
  CHECK(outer.status().code() == StatusCode::kResourceExhausted);
  CHECK(outer.status().message().find("max_buffers_per_session") != std::string::npos);
  CHECK(reg.List().size() == 1);
}

TEST_CASE("Dropping a session keeps in-flight ranges mapped", "[buffers]") {
  Segment seg(64);
  BufferRegistry reg(Limits{});
  auto id = reg.RegisterShm(MakeSession(1), seg.name, 64);
  REQUIRE(id.ok());
  auto r = reg.Resolve(1, *id, 0, 64);
  REQUIRE(r.ok());
  reg.DropSession(1);
  CHECK(reg.List().empty());
  std::memset(r->data, 1, 64);  // still mapped through the keepalive
  CHECK(reg.Resolve(1, *id, 0, 1).status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace ccs

namespace ccs {
namespace {

TEST_CASE("A segment shrunk by its owner fails safely instead of crashing", "[buffers]") {
  Segment seg(1 << 20);
  BufferRegistry reg(Limits{});
  auto id = reg.RegisterShm(MakeSession(1), seg.name, 1 << 20);
  REQUIRE(id.ok());
  auto r = reg.Resolve(1, *id, 0, 1 << 20);
  REQUIRE(r.ok());
  CHECK_FALSE(r->keepalive->Faulted());
  int fd = shm_open(seg.name.c_str(), O_RDWR, 0);
  REQUIRE(fd >= 0);
  REQUIRE(ftruncate(fd, 4096) == 0);
  close(fd);
  // Past the new end: SIGBUS without the guard. With it, zero pages.
  std::memset(r->data + 8192, 1, 4096);
  CHECK(static_cast<int>(r->data[8192]) == 1);
  CHECK(r->keepalive->Faulted());
  auto again = reg.Resolve(1, *id, 0, 16);
  CHECK(again.status().code() == StatusCode::kFailedPrecondition);
  CHECK(again.status().message().find(seg.name) != std::string::npos);
}

}  // namespace
}  // namespace ccs
