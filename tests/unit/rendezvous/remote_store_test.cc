// RemoteStore and StoreService beyond the shared contract: reaching (or not)
// the root, deadlines on both sides, codes carried over the wire, shutdown.
#include "daemon/rendezvous/remote_store.h"

#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "store_fixtures.h"

namespace ccs::rendezvous::testing {
namespace {

using namespace std::chrono_literals;
using Catch::Matchers::Contains;

Store::Deadline In(std::chrono::milliseconds d) { return Store::Clock::now() + d; }

// A 127.0.0.1 port nobody listens on (it was free a moment ago).
uint16_t UnusedPort() {
  ServedStore probe;
  const uint16_t port = static_cast<uint16_t>(probe.server->port());
  probe.server->Stop(0ms);
  return port;
}

TEST_CASE("A root that does not answer fails each call in time, naming the address") {
  const RendezvousAddress nowhere{"127.0.0.1", UnusedPort()};
  RemoteStoreOptions options;
  options.call_timeout = 300ms;
  options.wait_margin = 200ms;
  std::unique_ptr<Store> store = MakeRemoteStore(nowhere, options);

  Status set = store->Set("k", "v", Store::kNoExpiry);
  CHECK(set.code() == StatusCode::kUnavailable);
  CHECK_THAT(set.message(), Contains(nowhere.ToString()) && Contains("SetKey"));

  // UNAVAILABLE, not DEADLINE_EXCEEDED: nobody said the key was missing.
  Status wait = store->Wait({"k"}, In(200ms));
  CHECK(wait.code() == StatusCode::kUnavailable);
  CHECK_THAT(wait.message(), Contains(nowhere.ToString()) && Contains("root daemon"));
}

TEST_CASE("A root that starts after the client is still found") {
  const uint16_t port = UnusedPort();
  std::unique_ptr<Store> store = MakeRemoteStore({"127.0.0.1", port});
  auto memory = std::make_shared<MemoryStore>();
  std::unique_ptr<StoreServer> server;
  std::thread starter([&] {
    std::this_thread::sleep_for(300ms);
    server = std::move(StoreServer::Start(memory, "127.0.0.1:" + std::to_string(port)))
                 .value();
  });
  Status set = store->Set("early", "bird", Store::kNoExpiry);
  starter.join();
  REQUIRE(set.ok());
  REQUIRE(memory->Get("early").value() == "bird");
}

TEST_CASE("A wait longer than one call is split into several server waits") {
  ServedStore served;
  RemoteStoreOptions options;
  options.max_wait_per_call = 100ms;
  std::unique_ptr<Store> store = MakeRemoteStore(served.address(), options);
  Status missing = store->Wait({"k"}, In(350ms));
  CHECK(missing.code() == StatusCode::kDeadlineExceeded);
  CHECK_THAT(missing.message(), Contains("'k'"));

  std::thread setter([&] {
    std::this_thread::sleep_for(250ms);
    (void)served.memory->Set("k", "v", Store::kNoExpiry);
  });
  Status found = store->Wait({"k"}, In(20s));
  setter.join();
  CHECK(found.ok());
}

TEST_CASE("The server's codes and messages cross the wire") {
  ServedStore served(
      MemoryStoreOptions{.max_keys = 100, .max_key_bytes = 64, .max_value_bytes = 16});
  std::unique_ptr<Store> store = MakeRemoteStore(served.address());
  Status big = store->Set("k", std::string(17, 'x'), Store::kNoExpiry);
  CHECK(big.code() == StatusCode::kResourceExhausted);
  CHECK_THAT(big.message(), Contains("'k'") && Contains(served.address().ToString()));
  CHECK(store->Set(std::string(65, 'k'), "v", Store::kNoExpiry).code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("A long wait is served without holding the server's threads") {
  ServedStore served;
  std::unique_ptr<Store> store = MakeRemoteStore(served.address());
  // More parked waits than the callback thread pool has threads.
  std::vector<std::future<Status>> waits;
  for (int i = 0; i < 64; ++i) {
    waits.push_back(std::async(std::launch::async,
                               [&store] { return store->Wait({"go"}, In(20s)); }));
  }
  std::this_thread::sleep_for(200ms);
  REQUIRE(store->Set("other", "still served", Store::kNoExpiry).ok());
  REQUIRE(store->Get("other").value() == "still served");
  REQUIRE(store->Set("go", "1", Store::kNoExpiry).ok());
  for (auto& w : waits) REQUIRE(w.get().ok());
}

TEST_CASE("Stopping the server ends open waits promptly with an error naming it") {
  ServedStore served;
  std::unique_ptr<Store> store = MakeRemoteStore(served.address());
  auto wait = std::async(std::launch::async,
                         [&store] { return store->Wait({"never"}, In(60s)); });
  std::this_thread::sleep_for(200ms);
  served.server->Stop(0ms);
  REQUIRE(wait.wait_for(10s) == std::future_status::ready);
  Status s = wait.get();
  INFO(s.ToString());
  // CANCELLED when our reply gets out before the connection closes.
  CHECK((s.code() == StatusCode::kCancelled || s.code() == StatusCode::kUnavailable));
  CHECK_THAT(s.message(), Contains(served.address().ToString()));
}

TEST_CASE("StoreServer refuses an address it cannot listen on") {
  ServedStore first;
  auto taken = StoreServer::Start(std::make_shared<MemoryStore>(), first.target());
  REQUIRE(taken.status().code() == StatusCode::kUnavailable);
  REQUIRE_THAT(taken.status().message(), Contains(first.target()));
}

}  // namespace
}  // namespace ccs::rendezvous::testing
