// Subgroup rounds (Cluster::PresetRound): members decided by a parent, so
// formation writes nothing to the Store; only the Gloo connection between
// the subgroup's nodes meets there, under the subgroup's own key.
#include <catch2/catch.hpp>
#include <future>
#include <mutex>
#include <set>

#include "two_nodes.h"
#include "daemon/rendezvous/memory_store.h"

namespace ccs::cluster {
namespace {

using std::chrono::milliseconds;

// A MemoryStore that remembers every key it was asked about.
class RecordingStore final : public rendezvous::Store {
 public:
  Status Set(std::string_view key, std::string_view value, Ttl ttl) override {
    Note(key);
    return inner_.Set(key, value, ttl);
  }
  StatusOr<std::string> Get(std::string_view key) override {
    Note(key);
    return inner_.Get(key);
  }
  Status Wait(const std::vector<std::string>& keys, Deadline deadline) override {
    for (const auto& k : keys) Note(k);
    return inner_.Wait(keys, deadline);
  }
  StatusOr<int64_t> Add(std::string_view key, int64_t delta) override {
    Note(key);
    return inner_.Add(key, delta);
  }
  StatusOr<CasResult> CompareAndSet(std::string_view key, std::string_view expected,
                                    std::string_view desired, Ttl ttl) override {
    Note(key);
    return inner_.CompareAndSet(key, expected, desired, ttl);
  }
  StatusOr<bool> Delete(std::string_view key) override {
    Note(key);
    return inner_.Delete(key);
  }
  std::set<std::string> keys() {
    std::lock_guard lock(mu_);
    return keys_;
  }

 private:
  void Note(std::string_view key) {
    std::lock_guard lock(mu_);
    keys_.emplace(key);
  }
  rendezvous::MemoryStore inner_;
  std::mutex mu_;
  std::set<std::string> keys_;
};

using testing::Rec;
using testing::TwoNodes;

Clock::time_point Soon() { return Clock::now() + milliseconds(20); }
Clock::time_point Later() { return Clock::now() + milliseconds(10000); }

}  // namespace

TEST_CASE("a subgroup round forms from its members without registering in the store",
          "[cluster]") {
  auto store = std::make_shared<RecordingStore>();
  TwoNodes n(store);
  const std::vector<RankRecord> members = {Rec(*n.a, 10), Rec(*n.b, 20), Rec(*n.a, 11)};
  const std::string key = "p/3/sub/1/p@3/split1/0";
  auto ra = n.a->PresetRound(key, members);
  auto rb = n.b->PresetRound(key, members);
  CHECK(ra->epoch() == 1);
  REQUIRE(ra->Register(0, members[0]).ok());
  CHECK_FALSE(ra->Await(Soon()).has_value());  // rank 2, also on a, has not joined
  REQUIRE(ra->Missing().ok());
  CHECK(ra->Missing().value() == std::vector<uint32_t>{2});
  REQUIRE(ra->Register(2, members[2]).ok());
  REQUIRE(ra->Await(Soon()).has_value());
  REQUIRE(rb->Register(1, members[1]).ok());
  REQUIRE(rb->Await(Soon()).has_value());
  CHECK(store->keys().empty());  // nothing registered in the store

  auto fa = std::async(std::launch::async, [&] { return ra->Connect(Later()); });
  auto fb = std::async(std::launch::async, [&] { return rb->Connect(Later()); });
  auto na = fa.get();
  auto nb = fb.get();
  REQUIRE(na.ok());
  REQUIRE(nb.ok());
  CHECK(na.value()->topology().local() == std::vector<uint32_t>{0, 2});
  CHECK(nb.value()->topology().local() == std::vector<uint32_t>{1});
  // Only the Gloo rendezvous of the subgroup's nodes used the store.
  for (const std::string& k : store->keys()) {
    INFO(k);
    CHECK(k.rfind("ccs/groups/" + key + "/1/gloo", 0) == 0);
  }
}

TEST_CASE("a subgroup round on one node never touches the store", "[cluster]") {
  auto store = std::make_shared<RecordingStore>();
  TwoNodes n(store);
  const std::vector<RankRecord> members = {Rec(*n.a, 11), Rec(*n.a, 10)};
  auto r = n.a->PresetRound("p/1/sub/2/x", members);
  REQUIRE(r->Register(1, members[1]).ok());
  REQUIRE(r->Register(0, members[0]).ok());
  REQUIRE(r->Await(Soon()).has_value());
  auto net = r->Connect(Later());
  REQUIRE(net.ok());
  CHECK_FALSE(net.value()->topology().multi_node());
  CHECK(store->keys().empty());
}

TEST_CASE("a subgroup round refuses a rank it places on another node or session",
          "[cluster]") {
  TwoNodes n;
  const std::vector<RankRecord> members = {Rec(*n.a, 10), Rec(*n.b, 20)};
  auto ra = n.a->PresetRound("p/1/sub/1/y", members);
  Status other_node = ra->Register(1, Rec(*n.a, 20));
  CHECK(other_node.code() == StatusCode::kInvalidArgument);
  CHECK(other_node.message().find("node b") != std::string::npos);
  Status other_session = ra->Register(0, Rec(*n.a, 99));
  CHECK(other_session.code() == StatusCode::kInvalidArgument);
  CHECK(other_session.message().find("session 10") != std::string::npos);
  Status out_of_range = ra->Register(2, Rec(*n.a, 10));
  CHECK(out_of_range.code() == StatusCode::kInvalidArgument);
}

}  // namespace ccs::cluster
