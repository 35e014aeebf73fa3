// Two nodes (two Clusters over one MemoryStore) forming groups; Connect
// makes a real Gloo context between them on 127.0.0.1.
#include <catch2/catch.hpp>
#include <future>

#include "two_nodes.h"

namespace ccs::cluster {
namespace {

using std::chrono::milliseconds;

using testing::Rec;
using testing::TwoNodes;

Clock::time_point Soon() { return Clock::now() + milliseconds(50); }

}  // namespace

TEST_CASE("a round forms once every node registered its ranks", "[cluster]") {
  TwoNodes n;
  auto ra = n.a->OpenRound("g", 3);
  REQUIRE(ra.ok());
  auto rb = n.b->OpenRound("g", 3);
  REQUIRE(rb.ok());
  CHECK(ra.value()->epoch() == rb.value()->epoch());
  REQUIRE(ra.value()->Register(0, Rec(*n.a, 10)).ok());
  REQUIRE(ra.value()->Register(0, Rec(*n.a, 10)).ok());  // again: no-op
  REQUIRE(rb.value()->Register(2, Rec(*n.b, 12)).ok());
  CHECK_FALSE(ra.value()->Await(Soon()).has_value());
  auto missing = rb.value()->Missing();
  REQUIRE(missing.ok());
  CHECK(missing.value() == std::vector<uint32_t>{1});
  REQUIRE(ra.value()->Register(1, Rec(*n.a, 11)).ok());
  auto done = rb.value()->Await(Soon());
  REQUIRE(done.has_value());
  CHECK(done->ok());

  // Both connect (Gloo between them) and agree on the topology.
  auto fa = std::async(std::launch::async, [&] { return ra.value()->Connect(Clock::now() + milliseconds(10000)); });
  auto fb = std::async(std::launch::async, [&] { return rb.value()->Connect(Clock::now() + milliseconds(10000)); });
  auto na = fa.get();
  auto nb = fb.get();
  REQUIRE(na.ok());
  REQUIRE(nb.ok());
  CHECK(na.value()->topology().local() == std::vector<uint32_t>{0, 1});
  CHECK(nb.value()->topology().local() == std::vector<uint32_t>{2});
  CHECK(nb.value()->topology().nodes == std::vector<std::string>{"a", "b"});

  // The round is closed: the next one is a new epoch.
  auto next = n.b->OpenRound("g", 3);
  REQUIRE(next.ok());
  CHECK(next.value()->epoch() > ra.value()->epoch());
}

TEST_CASE("a round refuses a taken rank and another world size", "[cluster]") {
  TwoNodes n;
  auto ra = n.a->OpenRound("g", 2);
  auto rb = n.b->OpenRound("g", 2);
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  REQUIRE(ra.value()->Register(0, Rec(*n.a, 10)).ok());
  Status taken = rb.value()->Register(0, Rec(*n.b, 20));
  CHECK(taken.code() == StatusCode::kAlreadyExists);
  CHECK(taken.message().find("pid 10 on node a") != std::string::npos);
  auto rc = n.b->OpenRound("g", 5);
  REQUIRE(rc.ok());
  Status size = rc.value()->Register(1, Rec(*n.b, 21));
  CHECK(size.code() == StatusCode::kInvalidArgument);
  CHECK(size.message().find("world size 2") != std::string::npos);
}

TEST_CASE("a round failed on one node fails on the others with its status", "[cluster]") {
  TwoNodes n;
  auto ra = n.a->OpenRound("g", 2);
  auto rb = n.b->OpenRound("g", 2);
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  REQUIRE(ra.value()->Register(0, Rec(*n.a, 10)).ok());
  auto failed = ra.value()->Fail(DeadlineExceeded("ranks [1] never joined"));
  REQUIRE(failed.ok());
  CHECK(failed.value());
  auto seen = rb.value()->Await(Soon());
  REQUIRE(seen.has_value());
  CHECK(seen->code() == StatusCode::kDeadlineExceeded);
  CHECK(seen->message() == "ranks [1] never joined");
  // A later join opens the next epoch rather than the failed one.
  auto again = n.b->OpenRound("g", 2);
  REQUIRE(again.ok());
  CHECK(again.value()->epoch() > ra.value()->epoch());
}

}  // namespace ccs::cluster
