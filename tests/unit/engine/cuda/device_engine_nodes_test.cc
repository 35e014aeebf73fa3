// The CUDA engine in multi-node groups, over the FakeGpuBackend (no GPU in
// CI): two engines stand for two nodes' daemons and share one in-memory
// GroupExchange (the epoch's Store keys in ccsd). Checks the NCCL
// agreement: a unanimous vote makes every node's communicators from the
// unique id of rank 0's node, any "no" sends every node to host staging
// around the network's algorithm, a node that never votes fails the op in
// time naming the missing key; kinds NCCL does not run across nodes stay
// on the network.
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

  SECTION("kinds NCCL does not run across nodes stay on the network") {
    Share ta(4, {0, 1}, {0, 1}, &exchange, CollectiveKind::kAllToAll);
    Share tb(4, {2, 3}, {1, 0}, &exchange, CollectiveKind::kAllToAll);
    for (Share* t : {&ta, &tb}) {
      for (RankIo& io : t->plan.ranks) io.in_count = io.out_count = 8;
      t->plan.count = 2;
    }
    std::tie(sa_status, sb_status) = RunBoth(a, ta, b, tb, ran);
    CHECK(sa_status.ok());
    CHECK(sb_status.ok());
    CHECK(ran[0]);
    CHECK(ran[1]);
  }
}

TEST_CASE("one node without NCCL sends every node to host staging",
          "[cuda][device_engine][nodes]") {
  MapExchange exchange;
  Node a(2), b(2, /*nccl=*/false);
  Share sa(4, {0, 1}, {0, 1}, &exchange), sb(4, {2, 3}, {0, 1}, &exchange);
  bool ran[2];
  auto [sa_status, sb_status] = RunBoth(a, sa, b, sb, ran);
  CHECK(sa_status.ok());
  CHECK(sb_status.ok());
  CHECK(ran[0]);
  CHECK(ran[1]);
  CHECK(a.fake->nccl_creates == 0);
  CHECK(a.fake->unique_ids == 0);
}

TEST_CASE("two ranks sharing a GPU on one node send every node to host staging",
          "[cuda][device_engine][nodes]") {
  MapExchange exchange;
  Node a(2), b(1);
  Share sa(4, {0, 1}, {0, 1}, &exchange), sb(4, {2, 3}, {0, 0}, &exchange);
  bool ran[2];
  auto [sa_status, sb_status] = RunBoth(a, sa, b, sb, ran);
  CHECK(sa_status.ok());
  CHECK(sb_status.ok());
  CHECK(ran[0]);
  CHECK(ran[1]);
  CHECK(b.fake->nccl_creates == 0);
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

}  // namespace
}  // namespace ccs::cuda
