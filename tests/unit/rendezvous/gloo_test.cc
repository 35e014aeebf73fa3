// Gloo over our Store: the exception boundary, the store adapter, the context
// factory, and real multi-process Gloo groups rendezvousing through a
// StoreService served by this test process.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "child_process.h"
#include "daemon/engine/gloo/context.h"
#include "daemon/engine/gloo/error.h"
#include "daemon/engine/gloo/store_adapter.h"
#include "daemon/rendezvous/remote_store.h"
#include "store_fixtures.h"

namespace ccs::gloo_engine {
namespace {

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using rendezvous::MemoryStore;
using rendezvous::testing::ChildProcess;
using rendezvous::testing::ServedStore;
using rendezvous::testing::TempDir;

// rendezvous_gloo_worker exits 10 + the StatusCode of its failure.
constexpr int kWorkerDeadlineExceeded =
    10 + static_cast<int>(StatusCode::kDeadlineExceeded);

TEST_CASE("GlooCall turns every kind of Gloo exception into a Status") {
  auto thrown = [](auto exception) {
    return GlooCall("doing x", [&] { throw exception; });
  };
  CHECK(GlooCall("fine", [] {}).ok());
  Status timeout = thrown(::gloo::IoException("[pair.cc:1] Timed out waiting 1000ms"));
  CHECK(timeout.code() == StatusCode::kDeadlineExceeded);
  CHECK_THAT(timeout.message(), Contains("doing x: ") && Contains("Timed out"));
  CHECK(thrown(::gloo::IoException("Connection closed by peer")).code() ==
        StatusCode::kUnavailable);
  CHECK(thrown(::gloo::InvalidOperationException("cannot connect to self")).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(thrown(::gloo::EnforceNotMet("f.cc", 1, "x == y", "broken")).code() ==
        StatusCode::kInternal);
  CHECK(thrown(std::system_error(EACCES, std::system_category())).code() ==
        StatusCode::kPermissionDenied);
  CHECK(thrown(std::runtime_error("odd")).code() == StatusCode::kInternal);
}

TEST_CASE("GlooStoreAdapter: set, blocking get and wait over our Store") {
  auto store = std::make_shared<MemoryStore>();
  GlooStoreAdapter adapter(*store, 5s);
  const std::vector<char> bytes{'\0', 'a', '\xff'};
  adapter.set("addr", bytes);
  CHECK(store->Get("addr").value() == std::string("\0a\xff", 3));
  CHECK(adapter.get("addr") == bytes);

  std::thread later([&] {
    std::this_thread::sleep_for(50ms);
    (void)store->Set("late", "x", rendezvous::Store::kNoExpiry);
  });
  CHECK(adapter.get("late") == std::vector<char>{'x'});  // get waits for it
  later.join();
  adapter.wait({"addr", "late"}, 0ms);  // zero: the adapter's own timeout
  CHECK(adapter.first_error().ok());
}

TEST_CASE("GlooStoreAdapter: a key nobody sets throws for Gloo and keeps the Status") {
  auto store = std::make_shared<MemoryStore>();
  GlooStoreAdapter adapter(*store, 100ms);
  CHECK_THROWS_AS(adapter.get("ghost"), ::gloo::IoException);
  CHECK_THROWS_AS(adapter.wait({"ghost2"}, 50ms), ::gloo::IoException);
  // The first failure is the one kept.
  CHECK(adapter.first_error().code() == StatusCode::kDeadlineExceeded);
  CHECK_THAT(adapter.first_error().message(), Contains("'ghost'"));
  CHECK(adapter.first_error_keys() == std::vector<std::string>{"ghost"});
}

TEST_CASE("MakeGlooContext refuses bad options with INVALID_ARGUMENT") {
  auto store = std::make_shared<MemoryStore>();
  GlooContextOptions good;
  good.rank = 0;
  good.size = 2;
  good.store_prefix = "gloo/t";
  good.hostname = "127.0.0.1";
  good.timeout = 1s;
  auto with = [&](auto change) {
    GlooContextOptions o = good;
    change(o);
    return MakeGlooContext(store, o).status().code();
  };
  CHECK(with([](auto& o) { o.size = 0; }) == StatusCode::kInvalidArgument);
  CHECK(with([](auto& o) { o.rank = 2; }) == StatusCode::kInvalidArgument);
  CHECK(with([](auto& o) { o.rank = -1; }) == StatusCode::kInvalidArgument);
  CHECK(with([](auto& o) { o.store_prefix.clear(); }) == StatusCode::kInvalidArgument);
  CHECK(with([](auto& o) { o.hostname.clear(); }) == StatusCode::kInvalidArgument);
  CHECK(with([](auto& o) { o.interface = "lo"; }) == StatusCode::kInvalidArgument);
  CHECK(with([](auto& o) { o.timeout = 0ms; }) == StatusCode::kInvalidArgument);
  CHECK(with([](auto& o) { o.timeout = 25h; }) == StatusCode::kInvalidArgument);
}

TEST_CASE(
    "MakeGlooContext: a device that cannot be created is a Status, not an exception") {
  auto store = std::make_shared<MemoryStore>();
  GlooContextOptions o;
  o.size = 1;
  o.store_prefix = "gloo/bad-device";
  o.interface = "no-such-interface0";
  o.timeout = 1s;
  Status s = MakeGlooContext(store, o).status();
  CHECK_FALSE(s.ok());
  CHECK_THAT(s.message(), Contains("no-such-interface0"));
}

TEST_CASE("MakeGlooContext: an unreachable store is UNAVAILABLE, not a missing rank") {
  uint16_t port = 0;
  {
    ServedStore probe;  // a port that was free a moment ago
    port = static_cast<uint16_t>(probe.server->port());
  }
  rendezvous::RemoteStoreOptions store_options;
  store_options.call_timeout = 300ms;
  std::shared_ptr<rendezvous::Store> store =
      rendezvous::MakeRemoteStore({"127.0.0.1", port}, store_options);
  GlooContextOptions o;
  o.rank = 1;
  o.size = 2;
  o.store_prefix = "gloo/no-root";
  o.hostname = "127.0.0.1";
  o.timeout = 1s;
  Status s = MakeGlooContext(store, o).status();
  CHECK(s.code() == StatusCode::kUnavailable);
  CHECK_THAT(s.message(),
             Contains("rank 1 of 2") && Contains("127.0.0.1:" + std::to_string(port)));
}

TEST_CASE("MakeGlooContext: one rank alone needs no peers") {
  auto store = std::make_shared<MemoryStore>();
  GlooContextOptions o;
  o.size = 1;
  o.store_prefix = "gloo/solo";
  o.hostname = "127.0.0.1";
  o.timeout = 2s;
  StatusOr<std::shared_ptr<::gloo::Context>> context = MakeGlooContext(store, o);
  REQUIRE(context.ok());
  CHECK((*context)->size == 1);
  // Its keys live under the prefix.
  CHECK(store->Get("gloo/solo/rank_0").ok());
}

// Starts `ranks` of a `size`-rank Gloo group as rendezvous_gloo_worker
// processes against the store served at `target`.
std::vector<std::unique_ptr<ChildProcess>> StartRanks(const TempDir& dir,
                                                      const std::string& target,
                                                      const std::vector<int>& ranks,
                                                      int size, const std::string& prefix,
                                                      std::chrono::milliseconds timeout) {
  std::vector<std::unique_ptr<ChildProcess>> children;
  for (int rank : ranks) {
    children.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{CCS_GLOO_WORKER, std::to_string(::getpid()), target,
                                 std::to_string(rank), std::to_string(size), prefix,
                                 std::to_string(timeout.count())},
        dir.Join(prefix.substr(prefix.rfind('/') + 1) + "-rank" + std::to_string(rank))));
  }
  return children;
}

TEST_CASE(
    "Gloo all-reduce and barrier across processes that rendezvous through RemoteStore") {
  ServedStore served;
  TempDir dir;
  for (int size : {2, 3}) {
    DYNAMIC_SECTION(size << " processes") {
      const std::string prefix = "gloo/ok" + std::to_string(size);
      std::vector<int> ranks;
      for (int r = 0; r < size; ++r) ranks.push_back(r);
      auto children = StartRanks(dir, served.target(), ranks, size, prefix, 20s);
      for (auto& child : children) {
        std::optional<int> code = child->WaitFor(60s);
        INFO(child->Output());
        REQUIRE(code.has_value());
        REQUIRE(*code == 0);
      }
      // Every rank published its address under the group's prefix.
      CHECK(served.memory->Get(prefix + "/" + std::to_string(size - 1)).ok());
    }
  }
}

TEST_CASE(
    "A Gloo rendezvous missing a rank fails with DEADLINE_EXCEEDED naming it, no hang") {
  ServedStore served;
  TempDir dir;
  constexpr auto kTimeout = 1500ms;
  const auto started = std::chrono::steady_clock::now();
  auto children = StartRanks(dir, served.target(), {0, 1}, 3, "gloo/missing", kTimeout);
  for (auto& child : children) {
    std::optional<int> code = child->WaitFor(kTimeout + 20s);
    const std::string output = child->Output();
    INFO(output);
    REQUIRE(code.has_value());
    // The failure-notification deadline: the timeout plus process start-up.
    CHECK(std::chrono::steady_clock::now() - started < kTimeout + 5s);
    CHECK(*code == kWorkerDeadlineExceeded);
    CHECK_THAT(output,
               Contains("DEADLINE_EXCEEDED") && Contains("rank(s) 2 did not publish"));
  }
}

}  // namespace
}  // namespace ccs::gloo_engine
