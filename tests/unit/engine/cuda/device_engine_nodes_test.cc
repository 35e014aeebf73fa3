// The CUDA engine in multi-node groups, over the FakeGpuBackend (no GPU in
// CI): two engines stand for two nodes' daemons and share one in-memory
// GroupExchange (the epoch's Store keys in ccsd). Checks the NCCL
// agreement: a unanimous vote makes every node's communicators from the
// unique id of rank 0's node, any "no" sends every node to host staging
// around the network's algorithm, a node that never votes fails the op in
// time naming the missing key; kinds NCCL does not run across nodes stay
// on the network. The agreement may happen as the group forms
// (PrepareGroup on every node), with the same outcome on every node.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>

#include "daemon/engine/cuda/device_engine.h"
#include "tests/unit/engine/cuda/fake_gpu_backend.h"

namespace ccs::cuda {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class MapExchange final : public GroupExchange {
 public:
  Status Set(const std::string& key, const std::string& value) override {
    std::lock_guard lock(mu_);
    values_[key] = value;
    cv_.notify_all();
    return Status::Ok();
  }
  StatusOr<std::string> Get(const std::string& key, Clock::time_point deadline) override {
    std::unique_lock lock(mu_);
    if (!cv_.wait_until(lock, deadline, [&] { return values_.count(key) != 0; })) {
      return DeadlineExceeded("key '" + key + "' was not set in time");
    }
    return values_[key];
  }
  size_t Size() {
    std::lock_guard lock(mu_);
    return values_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> values_;
};

// One node: an engine over a fake with `gpus` GPUs.
struct Node {
  explicit Node(uint32_t gpus, bool nccl = true) {
    auto backend = std::make_unique<FakeGpuBackend>(gpus);
    fake = backend.get();
    if (nccl) fake->nccl_version = "2.99.0";
    engine = MakeDeviceEngine(std::move(backend), host.get(), DeviceEngineOptions());
  }
  std::unique_ptr<Engine> host = MakeHostEngine({1, 1 << 20});
  FakeGpuBackend* fake = nullptr;
  std::unique_ptr<Engine> engine;
};

// This node's share of a `world`-rank all_reduce: group ranks `ranks` on
// GPUs `gpus` of its fake.
struct Share {
  OpPlan plan;
  std::vector<std::vector<float>> mem;
  Share(uint32_t world, std::vector<uint32_t> ranks, std::vector<int32_t> gpus,
        MapExchange* exchange, CollectiveKind kind = CollectiveKind::kAllReduce) {
    plan.kind = kind;
    plan.count = 8;
    plan.group_id = 3;
    plan.world_size = world;
    plan.group_ranks = ranks;
    plan.exchange = exchange;
    plan.deadline = Clock::now() + 2s;
    for (size_t i = 0; i < ranks.size(); ++i) mem.emplace_back(16, 1.0f);
    for (size_t i = 0; i < ranks.size(); ++i) {
      RankIo io;
      io.in = reinterpret_cast<const std::byte*>(mem[i].data());
      io.out = reinterpret_cast<std::byte*>(mem[i].data() + 8);
      io.in_count = 8;
      io.out_count = 8;
      io.gpu = gpus[i];
      plan.ranks.push_back(io);
    }
  }
};

// Runs both nodes' shares at once; `ran[k]` tells whether node k's host
// algorithm (the network's, here a stub) ran.
std::pair<Status, Status> RunBoth(Node& a, Share& sa, Node& b, Share& sb, bool ran[2]) {
  ran[0] = ran[1] = false;
  auto run = [](bool* flag) {
    return [flag](const OpPlan& host) {
      *flag = true;
      for (const RankIo& io : host.ranks) {
        if (io.gpu >= 0) return Internal("host algorithm got device memory");
      }
      return Status::Ok();
    };
  };
  auto fb = std::async(std::launch::async,
                       [&] { return b.engine->ExecuteStaged(sb.plan, run(&ran[1])); });
  Status first = a.engine->ExecuteStaged(sa.plan, run(&ran[0]));
  return {first, fb.get()};
}

// An all_reduce of 4 ranks, 0-1 on node a's GPUs 0-1 and 2-3 on node b's
// `b_gpus`: both nodes succeed, running it staged around the network
// (`staged`) or through NCCL.
void CheckBothRun(Node& a, Node& b, MapExchange* exchange, std::vector<int32_t> b_gpus,
                  bool staged) {
  Share sa(4, {0, 1}, {0, 1}, exchange), sb(4, {2, 3}, std::move(b_gpus), exchange);
  bool ran[2];
  auto [sa_status, sb_status] = RunBoth(a, sa, b, sb, ran);
  REQUIRE(sa_status.ok());
  REQUIRE(sb_status.ok());
  CHECK(ran[0] == staged);
  CHECK(ran[1] == staged);
}

// ... staged, and no node made communicators.
void CheckBothStaged(Node& a, Node& b, MapExchange* exchange,
                     std::vector<int32_t> b_gpus = {0, 1}) {
  CheckBothRun(a, b, exchange, std::move(b_gpus), /*staged=*/true);
  CHECK(a.fake->nccl_creates == 0);
  CHECK(b.fake->nccl_creates == 0);
}

TEST_CASE("nodes that all vote yes run collectives through NCCL from one unique id",
          "[cuda][device_engine][nodes]") {
  MapExchange exchange;
  Node a(2), b(2);
  Share sa(4, {0, 1}, {0, 1}, &exchange), sb(4, {2, 3}, {1, 0}, &exchange);
  bool ran[2];
  auto [sa_status, sb_status] = RunBoth(a, sa, b, sb, ran);
  REQUIRE(sa_status.ok());
  REQUIRE(sb_status.ok());
  CHECK_FALSE(ran[0]);
  CHECK_FALSE(ran[1]);
  CHECK(a.fake->unique_ids == 1);  // rank 0's node made the id
  CHECK(b.fake->unique_ids == 0);
  REQUIRE(a.fake->comm_ids.count(3) == 1);
  REQUIRE(b.fake->comm_ids.count(3) == 1);
  CHECK(a.fake->comm_ids[3] == b.fake->comm_ids[3]);
  CHECK(a.fake->comm_worlds[3] == 4);
  CHECK(b.fake->comms[3].first == std::vector<uint32_t>{2, 3});
  CHECK(b.fake->comms[3].second == std::vector<uint32_t>{1, 0});
  CHECK(a.fake->Logged(0, "nccl rank 0"));
  CHECK(b.fake->Logged(0, "nccl rank 3"));

  // Agreed once: the next op neither votes nor creates again.
  std::tie(sa_status, sb_status) = RunBoth(a, sa, b, sb, ran);
  CHECK(sa_status.ok());
  CHECK(sb_status.ok());
  CHECK(a.fake->nccl_creates == 1);
  CHECK(b.fake->nccl_creates == 1);

  SECTION("all_to_all crosses nodes through NCCL, in place on one node or not") {
    Share ta(4, {0, 1}, {0, 1}, &exchange, CollectiveKind::kAllToAll);
    Share tb(4, {2, 3}, {1, 0}, &exchange, CollectiveKind::kAllToAll);
    for (Share* t : {&ta, &tb}) {
      for (RankIo& io : t->plan.ranks) io.in_count = io.out_count = 8;
      t->plan.count = 2;
    }
    tb.plan.ranks[0].out = const_cast<std::byte*>(tb.plan.ranks[0].in);  // rank 2 in place
    std::tie(sa_status, sb_status) = RunBoth(a, ta, b, tb, ran);
    CHECK(sa_status.ok());
    CHECK(sb_status.ok());
    CHECK_FALSE(ran[0]);
    CHECK_FALSE(ran[1]);
    CHECK(b.fake->Logged(1, "alloc 32"));  // rank 2 (GPU 1) sends from a copy
    CHECK_FALSE(a.fake->Logged(0, "alloc"));
  }

  SECTION("point-to-point stays on the network") {
    Share pa(4, {0}, {0}, &exchange, CollectiveKind::kSend);
    pa.plan.peer = 2;
    Status s = a.engine->ExecuteStaged(pa.plan, [](const OpPlan&) { return Status::Ok(); });
    CHECK(s.ok());
    CHECK(a.fake->nccl_calls.count({3, 0}) == 1);  // only the earlier all_reduce's
    CHECK(a.fake->Log(0).back().rfind("nccl", 0) != 0);
  }
}

TEST_CASE("one node without NCCL sends every node to host staging",
          "[cuda][device_engine][nodes]") {
  MapExchange exchange;
  Node a(2), b(2, /*nccl=*/false);
  CheckBothStaged(a, b, &exchange);
  CHECK(a.fake->unique_ids == 0);
}

TEST_CASE("two ranks sharing a GPU on one node send every node to host staging",
          "[cuda][device_engine][nodes]") {
  MapExchange exchange;
  Node a(2), b(1);
  CheckBothStaged(a, b, &exchange, {0, 0});
}

TEST_CASE("a node that never votes fails the op at its deadline, naming the key",
          "[cuda][device_engine][nodes]") {
  MapExchange exchange;
  Node a(2);
  Share sa(4, {0, 1}, {0, 1}, &exchange);
  sa.plan.deadline = Clock::now() + 100ms;
  Status s = a.engine->ExecuteStaged(sa.plan, [](const OpPlan&) {
    FAIL("the network's algorithm must not run before the nodes agreed");
    return Status::Ok();
  });
  CHECK(s.code() == StatusCode::kDeadlineExceeded);
  CHECK(s.message().find("nccl/vote/2") != std::string::npos);
}

// This node's part of group 3 (4 ranks) as it forms.
GroupSetup Setup(std::vector<uint32_t> ranks, std::vector<int32_t> gpus, MapExchange* exchange,
                 Clock::duration left = 2s) {
  GroupSetup setup;
  setup.group_id = 3;
  setup.name = "g";
  setup.world_size = 4;
  setup.ranks = std::move(ranks);
  setup.gpus = std::move(gpus);
  setup.deadline = Clock::now() + left;
  setup.exchange = exchange;
  return setup;
}

void PrepareBoth(Node& a, const GroupSetup& pa, Node& b, const GroupSetup& pb) {
  auto fb = std::async(std::launch::async, [&] { b.engine->PrepareGroup(pb); });
  a.engine->PrepareGroup(pa);
  fb.get();
}

TEST_CASE("nodes agree on NCCL as the group forms, and its ops run without voting again",
          "[cuda][device_engine][nodes]") {
  MapExchange exchange;
  Node a(2), b(2);
  PrepareBoth(a, Setup({0, 1}, {0, 1}, &exchange), b, Setup({2, 3}, {1, 0}, &exchange));
  CHECK(a.fake->nccl_creates == 1);
  CHECK(b.fake->nccl_creates == 1);
  CHECK(a.fake->unique_ids == 1);
  REQUIRE(a.fake->comm_ids.count(3) == 1);
  REQUIRE(b.fake->comm_ids.count(3) == 1);
  CHECK(a.fake->comm_ids[3] == b.fake->comm_ids[3]);
  CHECK(b.fake->comms[3].first == std::vector<uint32_t>{2, 3});
  CHECK(b.fake->comms[3].second == std::vector<uint32_t>{1, 0});

  // The op finds the agreement made: NCCL, no vote (the op's exchange
  // stays empty), no new id, no creation.
  MapExchange fresh;
  CheckBothRun(a, b, &fresh, {1, 0}, /*staged=*/false);
  CHECK(a.fake->nccl_creates == 1);
  CHECK(b.fake->nccl_creates == 1);
  CHECK(b.fake->Logged(1, "nccl rank 2"));
  CHECK(a.fake->unique_ids == 1);
  CHECK(fresh.Size() == 0);

  SECTION("a rank whose memory moved to another GPU fails the op, naming it") {
    Share moved(4, {2, 3}, {0, 1}, &fresh);
    Status s = b.engine->ExecuteStaged(moved.plan, [](const OpPlan&) {
      FAIL("the other nodes run NCCL: staging here would not meet them");
      return Status::Ok();
    });
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK(s.message().find("rank 2's memory is on GPU 0") != std::string::npos);
    CHECK(s.message().find("on GPU 1") != std::string::npos);
  }
}

TEST_CASE("a rank on a GPU its node lacks makes every node stage from formation on",
          "[cuda][device_engine][nodes]") {
  MapExchange exchange;
  Node a(2), b(2);
  PrepareBoth(a, Setup({0, 1}, {0, 1}, &exchange), b, Setup({2, 3}, {0, 5}, &exchange));
  CheckBothStaged(a, b, &exchange);
}

TEST_CASE("a node that prepares past the deadline still votes, and every node stages",
          "[cuda][device_engine][nodes]") {
  MapExchange exchange;
  Node a(2), b(2);
  // Node a (rank 0: it would publish the unique id) is late and gives up
  // before node b voted; node b then reads a's vote and waits for an id
  // that never comes.
  a.engine->PrepareGroup(Setup({0, 1}, {0, 1}, &exchange, -1ms));
  b.engine->PrepareGroup(Setup({2, 3}, {0, 1}, &exchange, 300ms));
  CheckBothStaged(a, b, &exchange);
}

}  // namespace
}  // namespace ccs::cuda
