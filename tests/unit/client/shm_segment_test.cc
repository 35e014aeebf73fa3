#include "client/src/shm_segment.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "ccs/error.h"

namespace ccs {
namespace {

bool SegmentExists(const std::string& name) {
  const int fd = shm_open(name.c_str(), O_RDONLY, 0);
  if (fd < 0) return false;
  close(fd);
  return true;
}

TEST_CASE(
    "a created segment is zero-filled, private to this uid and named for "
    "this process",
    "[shm]") {
  std::string name;
  {
    ShmSegment segment = ShmSegment::Create(4096 + 3);
    name = segment.name();
    REQUIRE(name.rfind("/ccs-" + std::to_string(getpid()) + "-", 0) == 0);
    REQUIRE(segment.size() == 4099);
    REQUIRE(segment.owns_segment());
    const auto* bytes = static_cast<const unsigned char*>(segment.data());
    for (size_t i = 0; i < segment.size(); ++i) REQUIRE(bytes[i] == 0);

    struct stat st {};
    const int fd = shm_open(name.c_str(), O_RDONLY, 0);
    REQUIRE(fd >= 0);
    REQUIRE(fstat(fd, &st) == 0);
    close(fd);
    REQUIRE((st.st_mode & 0777) == 0600);
    REQUIRE(st.st_uid == getuid());
  }
  REQUIRE_FALSE(SegmentExists(name));  // unlinked with its owner
}

TEST_CASE("two created segments never share a name", "[shm]") {
  ShmSegment a = ShmSegment::Create(64);
  ShmSegment b = ShmSegment::Create(64);
  REQUIRE(a.name() != b.name());
}

TEST_CASE("a released segment stays mapped and linked", "[shm]") {
  ShmSegment segment = ShmSegment::Create(128);
  const std::string name = segment.name();
  void* data = segment.data();
  segment.Release();
  { ShmSegment moved = std::move(segment); }
  REQUIRE(SegmentExists(name));
  std::memset(data, 7, 128);  // still mapped
  ReleaseShmMapping(data, 128, name, /*unlink=*/true);
  REQUIRE_FALSE(SegmentExists(name));
}

TEST_CASE("opening an existing segment maps the same memory and never unlinks it",
          "[shm]") {
  ShmSegment owner = ShmSegment::Create(256);
  static_cast<char*>(owner.data())[10] = 42;
  {
    ShmSegment view = ShmSegment::Open(owner.name(), 256);
    REQUIRE_FALSE(view.owns_segment());
    REQUIRE(static_cast<char*>(view.data())[10] == 42);
  }
  REQUIRE(SegmentExists(owner.name()));
}

TEST_CASE("opening fails clearly for a missing, too small or misnamed segment", "[shm]") {
  ShmSegment owner = ShmSegment::Create(100);
  try {
    ShmSegment::Open(owner.name(), 101);
    FAIL("expected an error");
  } catch (const Error& e) {
    REQUIRE(e.code() == Code::kInvalidArgument);
    REQUIRE_THAT(e.message(), Catch::Contains("has 100 bytes"));
  }
  try {
    ShmSegment::Open("/ccs-test-does-not-exist", 8);
    FAIL("expected an error");
  } catch (const Error& e) {
    REQUIRE(e.code() == Code::kNotFound);
    REQUIRE_THAT(e.message(), Catch::Contains("No such file"));
  }
  REQUIRE_THROWS_AS(ShmSegment::Open("no-slash", 8), Error);
  REQUIRE_THROWS_AS(ShmSegment::Open("/a/b", 8), Error);
}

TEST_CASE("a zero-byte buffer is an invalid argument", "[shm]") {
  try {
    ShmSegment::Create(0);
    FAIL("expected an error");
  } catch (const Error& e) {
    REQUIRE(e.code() == Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace ccs
