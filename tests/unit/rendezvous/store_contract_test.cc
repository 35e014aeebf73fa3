// The Store contract (daemon/rendezvous/store.h), written once and run
// against every implementation: MemoryStore, RemoteStore over a real gRPC
// server, and a PrefixStore view.
#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store_fixtures.h"

namespace ccs::rendezvous::testing {
namespace {

using namespace std::chrono_literals;
using Catch::Matchers::Contains;

constexpr Store::Ttl kForever = Store::kNoExpiry;

Store::Deadline In(std::chrono::milliseconds d) { return Store::Clock::now() + d; }

#define STORE_TEMPLATE_TEST(name) \
  TEMPLATE_TEST_CASE(name, "[store]", MemoryFixture, RemoteFixture, PrefixFixture)

STORE_TEMPLATE_TEST("Set then Get returns the bytes; Set replaces") {
  TestType fixture;
  Store& store = fixture.store();
  REQUIRE(store.Set("a", "one", kForever).ok());
  REQUIRE(store.Get("a").value() == "one");
  REQUIRE(store.Set("a", "two", kForever).ok());
  REQUIRE(store.Get("a").value() == "two");

  const std::string binary("\0\x01\xff zero\0", 9);
  REQUIRE(store.Set("bin", binary, kForever).ok());
  REQUIRE(store.Get("bin").value() == binary);
  REQUIRE(store.Set("empty", "", kForever).ok());
  REQUIRE(store.Get("empty").value().empty());
}

STORE_TEMPLATE_TEST("Get of a missing key is NOT_FOUND naming it, without waiting") {
  TestType fixture;
  StatusOr<std::string> value = fixture.store().Get("nobody-set-this");
  REQUIRE(value.status().code() == StatusCode::kNotFound);
  REQUIRE_THAT(value.status().message(), Contains("nobody-set-this"));
}

STORE_TEMPLATE_TEST("Every method refuses an empty key or a bad time to live") {
  TestType fixture;
  Store& store = fixture.store();
  CHECK(store.Set("", "v", kForever).code() == StatusCode::kInvalidArgument);
  CHECK(store.Get("").status().code() == StatusCode::kInvalidArgument);
  CHECK(store.Wait({"a", ""}, In(1s)).code() == StatusCode::kInvalidArgument);
  CHECK(store.Add("", 1).status().code() == StatusCode::kInvalidArgument);
  CHECK(store.CompareAndSet("", "", "v", kForever).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(store.Delete("").status().code() == StatusCode::kInvalidArgument);
  CHECK(store.Set("k", "v", -1ms).code() == StatusCode::kInvalidArgument);
  CHECK(store.Set("k", "v", Store::Ttl::max()).code() == StatusCode::kInvalidArgument);
  CHECK(store.CompareAndSet("k", "", "v", -1ms).status().code() ==
        StatusCode::kInvalidArgument);
}

STORE_TEMPLATE_TEST("Delete removes a key and says whether it existed") {
  TestType fixture;
  Store& store = fixture.store();
  REQUIRE(store.Set("a", "1", kForever).ok());
  REQUIRE(store.Delete("a").value());
  REQUIRE(store.Get("a").status().code() == StatusCode::kNotFound);
  REQUIRE_FALSE(store.Delete("a").value());
  REQUIRE_FALSE(store.Delete("never").value());
}

STORE_TEMPLATE_TEST("Add counts from 0, returns the new value, refuses non-counters") {
  TestType fixture;
  Store& store = fixture.store();
  REQUIRE(store.Add("n", 5).value() == 5);
  REQUIRE(store.Add("n", -7).value() == -2);
  REQUIRE(store.Get("n").value() == "-2");
  REQUIRE(store.Add("n", 0).value() == -2);

  REQUIRE(store.Set("text", "hello", kForever).ok());
  StatusOr<int64_t> bad = store.Add("text", 1);
  REQUIRE(bad.status().code() == StatusCode::kFailedPrecondition);
  REQUIRE_THAT(bad.status().message(), Contains("text"));

  REQUIRE(store.Set("big", std::to_string(INT64_MAX), kForever).ok());
  REQUIRE(store.Add("big", 1).status().code() == StatusCode::kOutOfRange);
  REQUIRE(store.Get("big").value() == std::to_string(INT64_MAX));
}

STORE_TEMPLATE_TEST("Add is atomic under concurrent callers") {
  TestType fixture;
  Store& store = fixture.store();
  constexpr int kThreads = 4;
  constexpr int kAddsEach = 100;
  std::vector<std::vector<int64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, &seen, t] {
      for (int i = 0; i < kAddsEach; ++i) {
        StatusOr<int64_t> v = store.Add("counter", 1);
        seen[t].push_back(v.ok() ? *v : -1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<int64_t> values;
  for (const auto& s : seen) values.insert(s.begin(), s.end());
  // Every caller saw a distinct value, and together exactly 1..N.
  REQUIRE(values.size() == kThreads * kAddsEach);
  REQUIRE(*values.begin() == 1);
  REQUIRE(*values.rbegin() == kThreads * kAddsEach);
  REQUIRE(store.Get("counter").value() == std::to_string(kThreads * kAddsEach));
}

STORE_TEMPLATE_TEST("CompareAndSet swaps only on a match; empty expected means absent") {
  TestType fixture;
  Store& store = fixture.store();
  Store::CasResult r = store.CompareAndSet("k", "", "first", kForever).value();
  CHECK(r.swapped);
  CHECK(r.current == "first");

  r = store.CompareAndSet("k", "", "second", kForever).value();
  CHECK_FALSE(r.swapped);
  CHECK(r.current == "first");

  r = store.CompareAndSet("k", "wrong", "second", kForever).value();
  CHECK_FALSE(r.swapped);
  CHECK(r.current == "first");

  r = store.CompareAndSet("k", "first", "second", kForever).value();
  CHECK(r.swapped);
  CHECK(store.Get("k").value() == "second");

  r = store.CompareAndSet("absent", "something", "x", kForever).value();
  CHECK_FALSE(r.swapped);
  CHECK(r.current.empty());
  CHECK(store.Get("absent").status().code() == StatusCode::kNotFound);

  // A key holding the empty value exists: "must not exist" does not match it.
  REQUIRE(store.Set("blank", "", kForever).ok());
  CHECK_FALSE(store.CompareAndSet("blank", "", "x", kForever).value().swapped);
}

STORE_TEMPLATE_TEST(
    "CompareAndSet races: exactly one creator wins; a CAS loop counts exactly") {
  TestType fixture;
  Store& store = fixture.store();
  constexpr int kThreads = 6;
  std::atomic<int> winners = 0;
  std::vector<std::string> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      StatusOr<Store::CasResult> r =
          store.CompareAndSet("leader", "", "rank" + std::to_string(t), kForever);
      if (r.ok() && r->swapped) ++winners;
      if (r.ok()) seen[t] = r->current;
    });
  }
  for (std::thread& t : threads) t.join();
  threads.clear();
  REQUIRE(winners == 1);
  const std::string leader = store.Get("leader").value();
  for (const std::string& s : seen) REQUIRE(s == leader);

  // Increment by read + CompareAndSet retries: no update is lost.
  constexpr int kIncrementsEach = 30;
  REQUIRE(store.Set("cas-counter", "0", kForever).ok());
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrementsEach; ++i) {
        for (;;) {
          const std::string old = store.Get("cas-counter").value();
          const std::string next = std::to_string(std::stoi(old) + 1);
          StatusOr<Store::CasResult> r =
              store.CompareAndSet("cas-counter", old, next, kForever);
          if (!r.ok() || r->swapped) break;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  REQUIRE(store.Get("cas-counter").value() == std::to_string(kThreads * kIncrementsEach));
}

STORE_TEMPLATE_TEST("Wait returns at once when the keys exist, or for an empty list") {
  TestType fixture;
  Store& store = fixture.store();
  REQUIRE(store.Wait({}, In(0ms)).ok());
  REQUIRE(store.Set("a", "1", kForever).ok());
  REQUIRE(store.Set("b", "2", kForever).ok());
  REQUIRE(store.Wait({"a", "b"}, In(5s)).ok());
  // A deadline in the past still checks once.
  REQUIRE(store.Wait({"a", "b"}, Store::Clock::now() - 1s).ok());
}

STORE_TEMPLATE_TEST("Wait fails with DEADLINE_EXCEEDED naming only the missing keys") {
  TestType fixture;
  Store& store = fixture.store();
  REQUIRE(store.Set("present", "1", kForever).ok());
  Status s = store.Wait({"present", "missing-b", "missing-c"}, In(150ms));
  REQUIRE(s.code() == StatusCode::kDeadlineExceeded);
  CHECK_THAT(s.message(), Contains("missing-b"));
  CHECK_THAT(s.message(), Contains("missing-c"));
  CHECK_THAT(s.message(), !Contains("'present'") && !Contains("/present'"));
  CHECK_THAT(s.message(), Contains("2 still missing"));
}

STORE_TEMPLATE_TEST("Wait wakes when other threads set the keys") {
  TestType fixture;
  Store& store = fixture.store();
  constexpr int kWaiters = 4;
  std::vector<std::future<Status>> waits;
  for (int i = 0; i < kWaiters; ++i) {
    waits.push_back(std::async(std::launch::async, [&store] {
      return store.Wait({"x", "y", "z"}, In(20s));
    }));
  }
  std::thread setter([&store] {
    for (const char* key : {"z", "x", "y"}) {
      std::this_thread::sleep_for(20ms);
      (void)store.Set(key, "v", kForever);
    }
  });
  setter.join();
  for (auto& w : waits) REQUIRE(w.get().ok());
}

STORE_TEMPLATE_TEST("Wait with the farthest deadline still returns when the keys come") {
  TestType fixture;
  Store& store = fixture.store();
  auto wait = std::async(std::launch::async, [&store] {
    return store.Wait({"far"}, Store::Deadline::max());
  });
  std::this_thread::sleep_for(50ms);
  REQUIRE(store.Set("far", "v", kForever).ok());
  REQUIRE(wait.wait_for(10s) == std::future_status::ready);
  REQUIRE(wait.get().ok());
}

STORE_TEMPLATE_TEST("Wait needs every key at once: a deleted key must come back") {
  TestType fixture;
  Store& store = fixture.store();
  REQUIRE(store.Set("a", "1", kForever).ok());
  auto wait = std::async(std::launch::async, [&store] {
    return store.Wait({"a", "b"}, In(20s));
  });
  std::this_thread::sleep_for(50ms);
  REQUIRE(store.Delete("a").value());
  REQUIRE(store.Set("b", "1", kForever).ok());
  REQUIRE(wait.wait_for(200ms) == std::future_status::timeout);
  REQUIRE(store.Set("a", "again", kForever).ok());
  REQUIRE(wait.get().ok());
}

STORE_TEMPLATE_TEST("Keys with a time to live vanish; Wait does not see them") {
  TestType fixture;
  Store& store = fixture.store();
  REQUIRE(store.Set("short", "v", 600ms).ok());
  REQUIRE(store.Set("kept", "v", 600ms).ok());
  REQUIRE(store.Set("kept", "v", kForever).ok());  // Set replaces the expiry too
  REQUIRE(store.CompareAndSet("cas-ttl", "", "v", 600ms).value().swapped);
  REQUIRE(store.Get("short").ok());
  std::this_thread::sleep_for(1000ms);

  CHECK(store.Get("short").status().code() == StatusCode::kNotFound);
  CHECK(store.Get("cas-ttl").status().code() == StatusCode::kNotFound);
  CHECK(store.Get("kept").ok());
  CHECK_FALSE(store.Delete("short").value());
  CHECK(store.Wait({"short"}, In(100ms)).code() == StatusCode::kDeadlineExceeded);
  // An expired key is absent for Add and CompareAndSet too.
  CHECK(store.CompareAndSet("cas-ttl", "", "new", kForever).value().swapped);
  REQUIRE(store.Set("count", "41", 100ms).ok());
  std::this_thread::sleep_for(300ms);
  CHECK(store.Add("count", 1).value() == 1);
}

}  // namespace
}  // namespace ccs::rendezvous::testing
