// Multi-node groups set their GPU resources up as they form: the formation
// round carries whether each rank named its GPU at join, so every node
// calls Engine::PrepareGroup with its own ranks and the epoch's exchange
// when every rank of the group did, and none does otherwise. Two Groups on
// two "nodes" (Clusters over one MemoryStore, real Gloo between them) with
// engines that record what they were asked to prepare.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "daemon/core/group.h"
#include "tests/unit/core/group_test_support.h"
#include "two_nodes.h"

namespace ccs::cluster {
namespace {

using ccs::testing::Eventually;
using ccs::testing::MakeSession;

using namespace std::chrono_literals;

class PreparingEngine final : public Engine {
 public:
  Status Execute(const OpPlan&) override { return Status::Ok(); }
  std::string_view Name() const override { return "preparing"; }
  void PrepareGroup(const GroupSetup& setup) override {
    // The exchange works: this node writes a key the other node reads.
    Status set = setup.exchange == nullptr
                     ? Status::Ok()
                     : setup.exchange->Set("test/" + std::to_string(setup.ranks.front()), "x");
    std::lock_guard lock(mu_);
    prepared = setup;
    exchange_set = set;
  }
  std::optional<GroupSetup> Prepared() {
    std::lock_guard lock(mu_);
    return prepared;
  }

  std::mutex mu_;
  std::optional<GroupSetup> prepared;
  Status exchange_set;
};

// Joins `rank` of a 3-rank group "g" naming `gpu`; the future says how
// formation ended for it.
std::future<Status> JoinRank(Group& g, uint32_t rank, int32_t gpu) {
  auto done = std::make_shared<std::promise<Status>>();
  std::future<Status> f = done->get_future();
  Status s = g.Join(rank, 3, MakeSession(rank + 1, 100 + static_cast<int32_t>(rank)),
                    Clock::now() + 10s,
                    [done](const Status& st, const JoinResult&) { done->set_value(st); }, gpu);
  REQUIRE(s.ok());
  return f;
}

// Forms "g" with ranks 0, 1 on node a and rank 2 on node b; ranks in
// `no_gpu` name none.
struct Formed {
  testing::TwoNodes nodes;
  PreparingEngine engine_a, engine_b;
  std::shared_ptr<Group> a, b;
  explicit Formed(std::vector<uint32_t> no_gpu) {
    GroupHooks ha, hb;
    ha.cluster = nodes.a.get();
    hb.cluster = nodes.b.get();
    a = Group::Create(1, "g", 0, 3, &engine_a, Clock::now() + 10s, nullptr, ha);
    b = Group::Create(1, "g", 0, 3, &engine_b, Clock::now() + 10s, nullptr, hb);
    auto gpu = [&](uint32_t r) {
      return std::find(no_gpu.begin(), no_gpu.end(), r) == no_gpu.end()
                 ? static_cast<int32_t>(r % 2)
                 : -1;
    };
    auto j0 = JoinRank(*a, 0, gpu(0));
    auto j1 = JoinRank(*a, 1, gpu(1));
    auto j2 = JoinRank(*b, 2, gpu(2));
    for (auto* j : {&j0, &j1, &j2}) {
      REQUIRE(j->wait_for(20s) == std::future_status::ready);
      REQUIRE(j->get().ok());
    }
  }
  ~Formed() {
    a->Shutdown(Aborted("test over"));
    b->Shutdown(Aborted("test over"));
  }
};

// A barrier of all three ranks, each on its node's group: OK once every
// node's executor ran it (after any PrepareGroup, which comes first).
Status Barrier(Formed& f) {
  std::vector<std::future<Status>> results;
  for (uint32_t r = 0; r < 3; ++r) {
    auto done = std::make_shared<std::promise<Status>>();
    results.push_back(done->get_future());
    (r < 2 ? f.a : f.b)
        ->Submit(r, ccs::testing::MakeArrival(
                        CollectiveKind::kBarrier, 0,
                        [done](const Status& s, uint64_t) { done->set_value(s); }, 10s));
  }
  for (auto& r : results) {
    if (r.wait_for(20s) != std::future_status::ready) return DeadlineExceeded("barrier");
    Status s = r.get();
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

TEST_CASE("every node prepares a multi-node group whose ranks all named GPUs",
          "[cluster][prepare]") {
  Formed f({});
  REQUIRE(Eventually([&] {
    return f.engine_a.Prepared().has_value() && f.engine_b.Prepared().has_value();
  }));
  const GroupSetup pa = *f.engine_a.Prepared();
  const GroupSetup pb = *f.engine_b.Prepared();
  CHECK(pa.world_size == 3);
  CHECK(pa.ranks == std::vector<uint32_t>{0, 1});
  CHECK(pa.gpus == std::vector<int32_t>{0, 1});
  CHECK(pb.ranks == std::vector<uint32_t>{2});
  CHECK(pb.gpus == std::vector<int32_t>{0});
  REQUIRE(pa.exchange != nullptr);
  REQUIRE(pb.exchange != nullptr);
  CHECK(f.engine_a.exchange_set.ok());
  CHECK(f.engine_b.exchange_set.ok());
  // One epoch's exchange: what node b wrote, node a reads.
  StatusOr<std::string> seen = pa.exchange->Get("test/2", Clock::now() + 5s);
  REQUIRE(seen.ok());
  CHECK(seen.value() == "x");
  CHECK(Barrier(f).ok());
}

TEST_CASE("no node prepares a multi-node group when one rank named no GPU",
          "[cluster][prepare]") {
  Formed f({2});  // the rank on node b
  REQUIRE(Barrier(f).ok());
  CHECK_FALSE(f.engine_a.Prepared().has_value());
  CHECK_FALSE(f.engine_b.Prepared().has_value());
}

}  // namespace ccs::cluster
