// MemoryStore beyond the shared contract: asynchronous waits, limits,
// expiry bookkeeping, shutdown.
#include "daemon/rendezvous/memory_store.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace ccs::rendezvous {
namespace {

using namespace std::chrono_literals;
using Catch::Matchers::Contains;

constexpr Store::Ttl kForever = Store::kNoExpiry;

Store::Deadline In(std::chrono::milliseconds d) { return Store::Clock::now() + d; }

// Collects the outcome of one WaitAsync.
struct Outcome {
  std::promise<Status> promise;
  std::future<Status> future = promise.get_future();
  std::atomic<int> calls = 0;
  MemoryStore::WaitDone Done() {
    return [this](const Status& s) {
      ++calls;
      promise.set_value(s);
    };
  }
};

TEST_CASE("WaitAsync completes at once when the keys exist") {
  MemoryStore store;
  REQUIRE(store.Set("a", "1", kForever).ok());
  Outcome outcome;
  store.WaitAsync({"a"}, In(10s), outcome.Done());
  REQUIRE(outcome.future.wait_for(0s) == std::future_status::ready);
  REQUIRE(outcome.future.get().ok());
}

TEST_CASE("WaitAsync completes from the Set that supplies the last key") {
  MemoryStore store;
  Outcome outcome;
  const MemoryStore::WaitId id = store.WaitAsync({"a", "b"}, In(10s), outcome.Done());
  REQUIRE(store.Set("b", "1", kForever).ok());
  REQUIRE(outcome.future.wait_for(0s) == std::future_status::timeout);
  REQUIRE(store.Add("a", 1).ok());  // Add creates the key: it counts
  REQUIRE(outcome.future.wait_for(0s) == std::future_status::ready);
  REQUIRE(outcome.future.get().ok());
  REQUIRE_FALSE(store.CancelWait(id));
  REQUIRE(outcome.calls == 1);
}

TEST_CASE("WaitAsync reports DEADLINE_EXCEEDED from the timer, naming the keys") {
  MemoryStore store;
  Outcome outcome;
  store.WaitAsync({"late"}, In(50ms), outcome.Done());
  REQUIRE(outcome.future.wait_for(10s) == std::future_status::ready);
  Status s = outcome.future.get();
  REQUIRE(s.code() == StatusCode::kDeadlineExceeded);
  REQUIRE_THAT(s.message(), Contains("'late'"));
}

TEST_CASE("CancelWait removes a pending wait; its callback never runs") {
  MemoryStore store;
  Outcome outcome;
  const MemoryStore::WaitId id = store.WaitAsync({"k"}, In(300ms), outcome.Done());
  REQUIRE(store.CancelWait(id));
  REQUIRE_FALSE(store.CancelWait(id));
  REQUIRE(store.Set("k", "v", kForever).ok());
  std::this_thread::sleep_for(400ms);  // past the deadline: the timer has nothing to fire
  REQUIRE(outcome.calls == 0);
}

TEST_CASE("Destroying the store fails pending waits with UNAVAILABLE") {
  Outcome outcome;
  {
    MemoryStore store;
    store.WaitAsync({"never"}, In(1h), outcome.Done());
  }
  REQUIRE(outcome.future.wait_for(0s) == std::future_status::ready);
  REQUIRE(outcome.future.get().code() == StatusCode::kUnavailable);
}

TEST_CASE("Limits: key size, value size and key count") {
  MemoryStoreOptions options;
  options.max_keys = 3;
  options.max_key_bytes = 8;
  options.max_value_bytes = 4;
  MemoryStore store(options);

  CHECK(store.Set("123456789", "v", kForever).code() == StatusCode::kInvalidArgument);
  Status big = store.Set("k", "12345", kForever);
  CHECK(big.code() == StatusCode::kResourceExhausted);
  CHECK_THAT(big.message(), Contains("'k'") && Contains("4 bytes"));
  CHECK(store.CompareAndSet("k", "", "12345", kForever).status().code() ==
        StatusCode::kResourceExhausted);

  REQUIRE(store.Set("a", "1", kForever).ok());
  REQUIRE(store.Set("b", "1", kForever).ok());
  REQUIRE(store.Set("c", "1", kForever).ok());
  Status full = store.Set("d", "1", kForever);
  CHECK(full.code() == StatusCode::kResourceExhausted);
  CHECK_THAT(full.message(), Contains("3 keys"));
  CHECK(store.Add("d", 1).status().code() == StatusCode::kResourceExhausted);
  REQUIRE(store.Set("a", "2", kForever).ok());  // replacing needs no new key
  REQUIRE(store.Delete("c").value());
  REQUIRE(store.Set("c", "1", 50ms).ok());
  std::this_thread::sleep_for(150ms);  // "c" expires and frees its slot
  REQUIRE(store.Set("d", "1", kForever).ok());
}

TEST_CASE("Expired keys are dropped without being read") {
  MemoryStore store;
  for (int i = 0; i < 50; ++i)
    REQUIRE(store.Set("t" + std::to_string(i), "v", 500ms).ok());
  REQUIRE(store.Set("kept", "v", kForever).ok());
  REQUIRE(store.KeyCount() == 51);
  std::this_thread::sleep_for(700ms);
  REQUIRE(store.KeyCount() == 1);
}

TEST_CASE("A deadline error names at most 16 keys and counts the rest") {
  MemoryStore store;
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) keys.push_back("key" + std::to_string(i));
  Status s = store.Wait(keys, In(10ms));
  REQUIRE(s.code() == StatusCode::kDeadlineExceeded);
  CHECK_THAT(s.message(), Contains("40 still missing") && Contains("and 24 more"));
}

TEST_CASE("Many waiters on many keys all complete while setters race") {
  MemoryStore store;
  constexpr int kKeys = 500;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back("k" + std::to_string(i));
  std::vector<std::future<Status>> waits;
  for (int w = 0; w < 4; ++w) {
    waits.push_back(std::async(std::launch::async,
                               [&store, &keys] { return store.Wait(keys, In(30s)); }));
  }
  std::vector<std::thread> setters;
  for (int t = 0; t < 3; ++t) {
    setters.emplace_back([&store, t] {
      for (int i = kKeys - 1 - t; i >= 0; i -= 3) {
        (void)store.Set("k" + std::to_string(i), "v", kForever);
      }
    });
  }
  for (std::thread& t : setters) t.join();
  for (auto& w : waits) REQUIRE(w.get().ok());
}

}  // namespace
}  // namespace ccs::rendezvous
