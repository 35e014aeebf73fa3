// IpcMappingCache over the fake opener: one open per (device, allocation),
// references per session, closed when the last goes or the session ends, on
// the cache's closer thread (a close that blocks holds up nothing else).
#include "daemon/engine/cuda/ipc_mapping_cache.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "tests/unit/engine/cuda/fake_ipc_opener.h"

namespace ccs::cuda {
namespace {

MappingKey Key(uint8_t device, uint8_t handle) {
  MappingKey k;
  k.device.bytes[0] = device;
  k.handle.fill(handle);
  return k;
}

std::chrono::steady_clock::time_point Soon() {
  return std::chrono::steady_clock::now() + std::chrono::seconds(5);
}

// The fake opener whose Close blocks until Unblock, as a close that waits
// for a busy (or stuck) device does.
class BlockingOpener final : public IpcOpener {
 public:
  StatusOr<IpcOpened> Open(int ordinal, const IpcHandleBytes& handle) override {
    return fake.Open(ordinal, handle);
  }
  void Close(int ordinal, void* base) override {
    std::unique_lock lock(mu_);
    ++in_close_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return unblocked_; });
    fake.Close(ordinal, base);
  }
  bool WaitInClose() {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, Soon(), [this] { return in_close_ > 0; });
  }
  void Unblock() {
    std::lock_guard lock(mu_);
    unblocked_ = true;
    cv_.notify_all();
  }
  FakeIpcOpener fake;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int in_close_ = 0;
  bool unblocked_ = false;
};

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
  CHECK(cache.mapped() == 0);
  REQUIRE(cache.WaitClosed(Soon()));
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
  REQUIRE(cache.WaitClosed(Soon()));
  CHECK(opener.closed.size() == 1);  // Key(1,1) only; Key(1,2) still held by 2
  CHECK(cache.mapped() == 1);
  CHECK(cache.references(Key(1, 2)) == 1);
  cache.ReleaseSession(2);
  CHECK(cache.mapped() == 0);
  REQUIRE(cache.WaitClosed(Soon()));
  CHECK(opener.open_now.empty());
}

TEST_CASE("a close that blocks holds up neither releases nor other mappings",
          "[cuda][ipc_cache]") {
  BlockingOpener opener;
  IpcMappingCache cache(&opener);
  REQUIRE(cache.Acquire(1, Key(1, 1), 0, 4096).ok());
  REQUIRE(cache.Acquire(1, Key(1, 2), 0, 4096).ok());
  cache.Release(1, Key(1, 1));  // returns though the close blocks
  REQUIRE(opener.WaitInClose());
  CHECK(cache.closing() == 1);
  CHECK(cache.mapped() == 1);
  CHECK_FALSE(cache.WaitClosed(std::chrono::steady_clock::now()));

  // Other allocations map and release meanwhile.
  REQUIRE(cache.Acquire(2, Key(1, 3), 0, 4096).ok());
  CHECK(cache.references(Key(1, 2)) == 1);
  cache.Release(1, Key(1, 2));
  // The allocation still closing cannot be mapped again yet.
  auto again = cache.Acquire(2, Key(1, 1), 0, 4096);
  CHECK(again.status().code() == StatusCode::kUnavailable);
  CHECK(again.status().message().find("still being unmapped") != std::string::npos);

  opener.Unblock();
  REQUIRE(cache.WaitClosed(Soon()));
  CHECK(cache.closing() == 0);
  CHECK(opener.fake.closed.size() == 2);
  REQUIRE(cache.Acquire(2, Key(1, 1), 0, 4096).ok());  // opened anew
  CHECK(opener.fake.opens == 4);
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

TEST_CASE("an allocation smaller than its registration says is refused and closed",
          "[cuda][ipc_cache]") {
  FakeIpcOpener opener;
  IpcMappingCache cache(&opener);
  opener.alloc_bytes = 4096;  // what the driver reports
  REQUIRE(cache.Acquire(1, Key(1, 1), 0, 4096).ok());  // as registered
  auto forged = cache.Acquire(1, Key(1, 2), 0, 8192);
  CHECK(forged.status().code() == StatusCode::kInvalidArgument);
  CHECK(forged.status().message().find("is 4096 bytes, not the 8192") != std::string::npos);
  CHECK(cache.references(Key(1, 2)) == 0);
  CHECK(cache.mapped() == 1);
  REQUIRE(cache.WaitClosed(Soon()));
  CHECK(opener.closed.size() == 1);  // the refused mapping was closed again
  CHECK(opener.open_now.size() == 1);
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
