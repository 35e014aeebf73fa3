// IpcMappingCache over the fake opener: one open per (device, allocation),
// references per session, closed when the last goes or the session ends.
#include "daemon/engine/cuda/ipc_mapping_cache.h"

#include <catch2/catch.hpp>

#include "tests/unit/engine/cuda/fake_ipc_opener.h"

namespace ccs::cuda {
namespace {

MappingKey Key(uint8_t device, uint8_t handle) {
  MappingKey k;
  k.device.bytes[0] = device;
  k.handle.fill(handle);
  return k;
}

TEST_CASE("an allocation is opened once and shared by its buffers", "[cuda][ipc_cache]") {
  FakeIpcOpener opener;
  IpcMappingCache cache(&opener);
  auto a = cache.Acquire(1, Key(1, 9), 0, 4096);
  auto b = cache.Acquire(1, Key(1, 9), 0, 4096);
  auto c = cache.Acquire(2, Key(1, 9), 0, 4096);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  CHECK(*a == *b);
  CHECK(*a == *c);
  CHECK(opener.opens == 1);
  CHECK(cache.mapped() == 1);
  CHECK(cache.references(Key(1, 9)) == 3);
}

TEST_CASE("the same handle on another device is another mapping", "[cuda][ipc_cache]") {
  FakeIpcOpener opener;
  IpcMappingCache cache(&opener);
  auto a = cache.Acquire(1, Key(1, 9), 0, 4096);
  auto b = cache.Acquire(1, Key(2, 9), 1, 4096);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a != *b);
  CHECK(opener.opens == 2);
  CHECK(opener.open_now.at(*b) == 1);
}

TEST_CASE("a mapping closes when its last reference is released", "[cuda][ipc_cache]") {
  FakeIpcOpener opener;
  IpcMappingCache cache(&opener);
  void* base = *cache.Acquire(1, Key(1, 9), 0, 4096);
  REQUIRE(cache.Acquire(2, Key(1, 9), 0, 4096).ok());
  cache.Release(1, Key(1, 9));
  CHECK(opener.closed.empty());
  cache.Release(1, Key(1, 9));  // session 1 holds none any more: ignored
  cache.Release(3, Key(1, 9));  // unknown session: ignored
  CHECK(opener.closed.empty());
  cache.Release(2, Key(1, 9));
  REQUIRE(opener.closed.size() == 1);
  CHECK(opener.closed[0] == base);
  CHECK(cache.mapped() == 0);
  cache.Release(2, Key(1, 9));  // unknown key: ignored
}

TEST_CASE("ending a session drops all of its references", "[cuda][ipc_cache]") {
  FakeIpcOpener opener;
  IpcMappingCache cache(&opener);
  REQUIRE(cache.Acquire(1, Key(1, 1), 0, 4096).ok());
  REQUIRE(cache.Acquire(1, Key(1, 1), 0, 4096).ok());
  REQUIRE(cache.Acquire(1, Key(1, 2), 0, 4096).ok());
  REQUIRE(cache.Acquire(2, Key(1, 2), 0, 4096).ok());
  cache.ReleaseSession(1);
  CHECK(opener.closed.size() == 1);  // Key(1,1) only; Key(1,2) still held by 2
  CHECK(cache.mapped() == 1);
  CHECK(cache.references(Key(1, 2)) == 1);
  cache.ReleaseSession(2);
  CHECK(cache.mapped() == 0);
  CHECK(opener.open_now.empty());
}

TEST_CASE("a failed open holds nothing and a retry opens again", "[cuda][ipc_cache]") {
  FakeIpcOpener opener;
  IpcMappingCache cache(&opener);
  opener.fail_next = true;
  auto failed = cache.Acquire(1, Key(1, 1), 0, 4096);
  CHECK(failed.status().code() == StatusCode::kInvalidArgument);
  CHECK(cache.mapped() == 0);
  CHECK(cache.Acquire(1, Key(1, 1), 0, 4096).ok());
  CHECK(opener.opens == 2);
}

TEST_CASE("a handle already mapped with another size is refused", "[cuda][ipc_cache]") {
  FakeIpcOpener opener;
  IpcMappingCache cache(&opener);
  REQUIRE(cache.Acquire(1, Key(1, 1), 0, 4096).ok());
  auto other = cache.Acquire(1, Key(1, 1), 0, 8192);
  CHECK(other.status().code() == StatusCode::kInvalidArgument);
  CHECK(cache.references(Key(1, 1)) == 1);
}

TEST_CASE("the cache closes what is still mapped when destroyed", "[cuda][ipc_cache]") {
  FakeIpcOpener opener;
  {
    IpcMappingCache cache(&opener);
    REQUIRE(cache.Acquire(1, Key(1, 1), 0, 4096).ok());
    REQUIRE(cache.Acquire(1, Key(2, 1), 1, 4096).ok());
  }
  CHECK(opener.closed.size() == 2);
  CHECK(opener.open_now.empty());
}

}  // namespace
}  // namespace ccs::cuda
