// The object ops of N ranks, one thread each, over one MemoryStore: what
// each rank gets, mismatches, missing ranks, limits, interruption, and that
// a finished op leaves no key behind.
#include "daemon/meta/object_ops.h"

#include <catch2/catch.hpp>
#include <functional>
#include <thread>
#include <vector>

#include "daemon/meta/payload_io.h"
#include "daemon/rendezvous/memory_store.h"

namespace ccs::meta {
namespace {

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using rendezvous::MemoryStore;
using Results = std::vector<StatusOr<std::vector<std::string>>>;

std::string Payload(uint32_t rank, uint64_t size) {
  std::string s(size, '\0');
  for (uint64_t i = 0; i < size; ++i)
    s[i] = static_cast<char>((rank * 31 + i * 7) & 0xff);
  return s;
}

struct World {
  MemoryStore store;
  MetaKeys keys{"g", 1};
  uint32_t n;
  explicit World(uint32_t world) : n(world) {}

  ObjectOpContext Context(uint32_t rank, std::chrono::milliseconds timeout = 10s) {
    ObjectOpContext ctx;
    ctx.store = &store;
    ctx.keys = &keys;
    ctx.group = "g";
    ctx.rank = rank;
    ctx.world = n;
    ctx.started = Clock::now();
    ctx.deadline = ctx.started + timeout;
    ctx.ttl = std::chrono::minutes(10);
    ctx.max_bytes = 8 << 20;
    return ctx;
  }

  // Runs call(rank) for every rank in `ranks` on its own thread.
  Results Run(const std::vector<uint32_t>& ranks,
              const std::function<StatusOr<std::vector<std::string>>(uint32_t)>& call) {
    Results results(ranks.size(), Status::Ok());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < ranks.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = call(ranks[i]); });
    }
    for (auto& t : threads) t.join();
    return results;
  }
  std::vector<uint32_t> All() const {
    std::vector<uint32_t> all(n);
    for (uint32_t r = 0; r < n; ++r) all[r] = r;
    return all;
  }
};

}  // namespace

TEST_CASE("broadcast, all_gather and scatter deliver every byte and clean up", "[meta]") {
  const uint32_t n = GENERATE(1u, 2u, 3u, 7u);
  World w(n);
  const uint32_t root = n - 1;
  const uint64_t big = 2 * kChunkBytes + 3;
  Results b = w.Run(w.All(), [&](uint32_t r) {
    std::vector<std::string> p;
    if (r == root) p.push_back(Payload(root, big));
    return RunObjectCollective(w.Context(r), 1, ObjectKind::kBroadcast, root, p);
  });
  for (auto& res : b) {
    REQUIRE(res.ok());
    CHECK(res.value() == std::vector<std::string>{Payload(root, big)});
  }
  Results g = w.Run(w.All(), [&](uint32_t r) {
    return RunObjectCollective(w.Context(r), 2, ObjectKind::kAllGather, 0,
                               {Payload(r, r * 100)});
  });
  for (auto& res : g) {
    REQUIRE(res.ok());
    REQUIRE(res.value().size() == n);
    for (uint32_t r = 0; r < n; ++r) CHECK(res.value()[r] == Payload(r, r * 100));
  }
  Results s = w.Run(w.All(), [&](uint32_t r) {
    std::vector<std::string> parts;
    if (r == 0) {
      for (uint32_t d = 0; d < n; ++d) parts.push_back(Payload(d, d + 1));
    }
    return RunObjectCollective(w.Context(r), 3, ObjectKind::kScatter, 0, parts);
  });
  for (uint32_t r = 0; r < n; ++r) {
    REQUIRE(s[r].ok());
    CHECK(s[r].value() == std::vector<std::string>{Payload(r, r + 1)});
  }
  CHECK(w.store.KeyCount() == 0);
}

TEST_CASE("ranks calling different object ops all get the same INVALID_ARGUMENT",
          "[meta]") {
  World w(3);
  Results res = w.Run(w.All(), [&](uint32_t r) {
    if (r == 2)
      return RunObjectCollective(w.Context(r), 1, ObjectKind::kAllGather, 0, {"x"});
    std::vector<std::string> p;
    if (r == 0) p.push_back("root");
    return RunObjectCollective(w.Context(r), 1, ObjectKind::kBroadcast, 0, p);
  });
  for (auto& r : res) {
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message() == res[0].status().message());
    CHECK_THAT(std::string(r.status().message()),
               Contains("rank 0 called broadcast_object(root 0) but rank 2 called "
                        "all_gather_object"));
  }
  CHECK(w.store.KeyCount() == 0);
}

TEST_CASE("a rank that never calls is named in DEADLINE_EXCEEDED", "[meta]") {
  World w(3);
  Results res = w.Run({0, 2}, [&](uint32_t r) {
    return RunObjectCollective(w.Context(r, 300ms), 1, ObjectKind::kAllGather, 0, {"x"});
  });
  for (auto& r : res) {
    CHECK(r.status().code() == StatusCode::kDeadlineExceeded);
    CHECK_THAT(std::string(r.status().message()),
               Contains("all_gather_object #1 of group 'g'") &&
                   Contains("ranks [1] never called"));
  }
}

TEST_CASE("an all_gather past max_bytes fails on every rank", "[meta]") {
  World w(2);
  Results res = w.Run(w.All(), [&](uint32_t r) {
    ObjectOpContext ctx = w.Context(r);
    ctx.max_bytes = 10;
    return RunObjectCollective(ctx, 1, ObjectKind::kAllGather, 0, {Payload(r, 6)});
  });
  for (auto& r : res) {
    CHECK(r.status().code() == StatusCode::kResourceExhausted);
    CHECK_THAT(std::string(r.status().message()),
               Contains("12 bytes") && Contains("(10)"));
  }
  CHECK(w.store.KeyCount() == 0);
}

TEST_CASE("a wait ends with the interruption's status or the epoch's broken key",
          "[meta]") {
  World w(2);
  ObjectOpContext ctx = w.Context(0);
  ctx.interrupted = [] {
    return std::optional<Status>(Aborted("group 'g' is BROKEN: test"));
  };
  auto r = RunObjectCollective(ctx, 1, ObjectKind::kAllGather, 0, {"x"});
  CHECK(r.status().code() == StatusCode::kAborted);
  CHECK_THAT(std::string(r.status().message()), Contains("BROKEN: test"));

  REQUIRE(w.store.Set(w.keys.Broken(), "10\nrank 1 died (on node n1)", {}).ok());
  StatusOr<std::string> got = RecvObject(w.Context(0), 1, 1);
  CHECK(got.status().code() == StatusCode::kAborted);
  CHECK_THAT(std::string(got.status().message()), Contains("rank 1 died (on node n1)"));
}

TEST_CASE("sends are buffered and received in order, then deleted", "[meta]") {
  World w(2);
  REQUIRE(SendObject(w.Context(0), 1, 1, Payload(0, 5)).ok());
  REQUIRE(SendObject(w.Context(0), 1, 2, Payload(0, kChunkBytes * 2)).ok());
  CHECK(RecvObject(w.Context(1), 0, 1).value() == Payload(0, 5));
  CHECK(RecvObject(w.Context(1), 0, 2).value() == Payload(0, kChunkBytes * 2));
  CHECK(w.store.KeyCount() == 0);
  StatusOr<std::string> none = RecvObject(w.Context(1, 200ms), 0, 3);
  CHECK(none.status().code() == StatusCode::kDeadlineExceeded);
  CHECK_THAT(std::string(none.status().message()), Contains("rank 0 never sent it"));
}

}  // namespace ccs::meta
