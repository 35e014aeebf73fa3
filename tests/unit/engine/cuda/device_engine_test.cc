// The CUDA engine's routing, stream order and host-staged fallback over the
// FakeGpuBackend (the mock of the GPUs: CI has none). Results are checked
// against the host engine running the same op on copies of the inputs.
#include <catch2/catch.hpp>

#include <cstring>
#include <numeric>
#include <random>
#include <thread>

#include "daemon/engine/cuda/device_engine.h"
#include "tests/unit/engine/cuda/fake_gpu_backend.h"

namespace ccs::cuda {
namespace {

// One op over n ranks whose memory is host vectors standing in for device
// memory; rank r on GPU gpus[r] (-1: a host rank).
struct Op {
  OpPlan plan;
  std::vector<std::vector<float>> in, out;

  Op(CollectiveKind kind, std::vector<int32_t> gpus, uint64_t count, uint64_t in_count,
     uint64_t out_count, uint32_t seed = 1) {
    plan.kind = kind;
    plan.dtype = DataType::kFloat32;
    plan.count = count;
    plan.group_id = 7;
    plan.world_size = static_cast<uint32_t>(gpus.size());
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> value(-8, 8);
    for (size_t r = 0; r < gpus.size(); ++r) {
      in.emplace_back(in_count);
      for (float& v : in.back()) v = static_cast<float>(value(rng));
      out.emplace_back(out_count, -999.0f);  // poison
    }
    for (size_t r = 0; r < gpus.size(); ++r) {
      RankIo io;
      io.in = reinterpret_cast<const std::byte*>(in[r].data());
      io.out = reinterpret_cast<std::byte*>(out[r].data());
      io.in_count = in_count;
      io.out_count = out_count;
      io.gpu = gpus[r];
      plan.group_ranks.push_back(static_cast<uint32_t>(r));
      plan.ranks.push_back(io);
    }
  }
  // Ready/done events on every rank.
  void Order(FakeGpuBackend& fake) {
    for (size_t r = 0; r < plan.ranks.size(); ++r) {
      plan.ranks[r].ready_event = fake.NewClientEvent(static_cast<int>(10 + r));
      plan.ranks[r].done_event = fake.NewClientEvent(static_cast<int>(20 + r));
    }
  }
  // What the host engine makes of the same inputs (same poisoned outputs).
  std::vector<std::vector<float>> Expected() const {
    auto host = MakeHostEngine({1, 1 << 20});
    std::vector<std::vector<float>> ein = in, eout(out.size());
    OpPlan p = plan;
    for (size_t r = 0; r < p.ranks.size(); ++r) {
      eout[r].assign(out[r].size(), -999.0f);
      p.ranks[r].in = reinterpret_cast<const std::byte*>(ein[r].data());
      p.ranks[r].out = reinterpret_cast<std::byte*>(eout[r].data());
      p.ranks[r].gpu = -1;
    }
    REQUIRE(host->Execute(p).ok());
    return eout;
  }
};

struct Fixture {
  explicit Fixture(uint32_t gpus, bool p2p = true) {
    auto backend = std::make_unique<FakeGpuBackend>(gpus);
    fake = backend.get();
    host = MakeHostEngine({1, 1 << 20});
    DeviceEngineOptions options;
    options.p2p = P2pMatrix(gpus);
    for (uint32_t a = 0; a < gpus; ++a) {
      for (uint32_t b = 0; b < gpus; ++b) options.p2p.Set(a, b, p2p || a == b);
    }
    options.watchdog_interval = std::chrono::milliseconds(5);
    options.on_group_failure = [this](uint64_t group, const Status& why) {
      std::lock_guard lock(mu);
      failures.emplace_back(group, why);
    };
    engine = MakeDeviceEngine(std::move(backend), host.get(), std::move(options));
  }
  // The failures reported so far, waiting up to 5 s for at least `n`.
  std::vector<std::pair<uint64_t, Status>> Failures(size_t n) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mu);
        if (failures.size() >= n) return failures;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mu);
    return failures;
  }
  std::mutex mu;
  std::vector<std::pair<uint64_t, Status>> failures;
  FakeGpuBackend* fake = nullptr;
  std::unique_ptr<Engine> host;
  std::unique_ptr<Engine> engine;
};

// Index of the first log entry starting with `prefix` (size if none).
size_t At(const std::vector<std::string>& log, const std::string& prefix) {
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].rfind(prefix, 0) == 0) return i;
  }
  return log.size();
}

TEST_CASE("ranks sharing one GPU all-reduce through one kernel launch, in stream order",
          "[cuda][device_engine]") {
  Fixture f(1);
  Op op(CollectiveKind::kAllReduce, {0, 0, 0}, 1000, 1000, 1000);
  op.Order(*f.fake);
  auto expected = op.Expected();
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(op.out == expected);
  const auto log = f.fake->Log(0);
  REQUIRE(At(log, "launch one_shot outputs=3") < log.size());
  // Every rank's ready event is waited before the launch, every done event
  // recorded after it.
  for (int r = 0; r < 3; ++r) {
    CHECK(At(log, "wait E" + std::to_string(10 + r)) < At(log, "launch"));
    CHECK(At(log, "record E" + std::to_string(20 + r)) > At(log, "launch"));
  }
  // Stream-ordered: Execute returned at enqueue, no host wait.
  CHECK(f.fake->host_waits == 0);
  CHECK(f.fake->staging_allocs == 0);
}

TEST_CASE("without done events the engine waits on the host for the op",
          "[cuda][device_engine]") {
  Fixture f(1);
  Op op(CollectiveKind::kAllReduce, {0, 0}, 64, 64, 64);
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(op.out == op.Expected());
  CHECK(f.fake->host_waits == 1);
  const auto log = f.fake->Log(0);
  CHECK(At(log, "record E1000") > At(log, "launch"));
  // The engine's events are reused from op to op.
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(f.fake->engine_events == 1);
}

TEST_CASE("ranks on two P2P GPUs run two-shot above the one-shot limit, one launch per GPU",
          "[cuda][device_engine]") {
  Fixture f(2);
  const uint64_t count = (uint64_t{1} << 20) / sizeof(float);  // 1 MiB > 512 KiB
  Op op(CollectiveKind::kAllReduce, {0, 1, 0, 1}, count, count, count);
  op.Order(*f.fake);
  auto expected = op.Expected();
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(op.out == expected);
  for (uint32_t g = 0; g < 2; ++g) {
    CHECK(f.fake->Logged(g, "launch two_shot outputs=2"));
    // Each GPU records the done events of its own ranks only.
    CHECK(f.fake->Logged(g, "record E" + std::to_string(20 + g)));
    CHECK_FALSE(f.fake->Logged(g, "record E" + std::to_string(21 - g)));
  }
  REQUIRE(f.fake->launches.size() == 2);
  CHECK(f.fake->launches[0].num_participants == 2);
  CHECK(f.fake->launches[0].num_inputs == 4);
  CHECK(f.fake->live_signals.size() == 2);  // one signal block per GPU
  f.engine->ForgetGroup(7);
  CHECK(f.fake->live_signals.empty());
}

TEST_CASE("GPUs without verified P2P and without NCCL all-reduce host-staged",
          "[cuda][device_engine]") {
  Fixture f(2, /*p2p=*/false);
  Op op(CollectiveKind::kAllReduce, {0, 1}, 333, 333, 333);
  op.Order(*f.fake);
  auto expected = op.Expected();
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(op.out == expected);
  CHECK(f.fake->launches.empty());
  CHECK(f.fake->staging_allocs == 1);
  for (uint32_t g = 0; g < 2; ++g) {
    const auto log = f.fake->Log(g);
    // ready -> copy out to the host -> host wait -> copy back -> done.
    CHECK(At(log, "wait E1" + std::to_string(g)) < At(log, "copy"));
    CHECK(At(log, "record E2" + std::to_string(g)) < log.size());
    CHECK(At(log, "host_wait") < At(log, "record E2" + std::to_string(g)));
  }
  // The staging buffer is reused by the next op.
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(f.fake->staging_allocs == 1);
}

TEST_CASE("data-movement collectives on one GPU are device copies", "[cuda][device_engine]") {
  Fixture f(1);
  SECTION("all_gather") {
    Op op(CollectiveKind::kAllGather, {0, 0, 0}, 5, 5, 15);
    auto expected = op.Expected();
    REQUIRE(f.engine->Execute(op.plan).ok());
    CHECK(op.out == expected);
  }
  SECTION("all_to_all") {
    Op op(CollectiveKind::kAllToAll, {0, 0, 0, 0}, 3, 12, 12);
    auto expected = op.Expected();
    REQUIRE(f.engine->Execute(op.plan).ok());
    CHECK(op.out == expected);
  }
  SECTION("all_to_all_v with empty blocks") {
    Op op(CollectiveKind::kAllToAllV, {0, 0}, 0, 4, 4);
    op.plan.ranks[0].send_counts = {1, 3};
    op.plan.ranks[0].recv_counts = {1, 0};
    op.plan.ranks[1].send_counts = {0, 4};
    op.plan.ranks[1].recv_counts = {3, 4};
    op.plan.ranks[0].out_count = 1;
    op.plan.ranks[1].out_count = 7;
    op.out[1].resize(7, -999.0f);
    op.plan.ranks[1].out = reinterpret_cast<std::byte*>(op.out[1].data());
    op.plan.ranks[0].in_count = 4;
    op.plan.ranks[1].in_count = 4;
    auto expected = op.Expected();
    REQUIRE(f.engine->Execute(op.plan).ok());
    CHECK(op.out == expected);
  }
  SECTION("gather leaves non-root outputs untouched") {
    Op op(CollectiveKind::kGather, {0, 0, 0}, 4, 4, 12);
    op.plan.root = 2;
    auto expected = op.Expected();
    REQUIRE(f.engine->Execute(op.plan).ok());
    CHECK(op.out == expected);
    CHECK(op.out[0][0] == -999.0f);
  }
  SECTION("scatter") {
    Op op(CollectiveKind::kScatter, {0, 0, 0}, 4, 12, 4);
    op.plan.root = 1;
    auto expected = op.Expected();
    REQUIRE(f.engine->Execute(op.plan).ok());
    CHECK(op.out == expected);
  }
  CHECK(f.fake->staging_allocs == 0);
  CHECK(f.fake->launches.empty());
  CHECK(f.fake->Logged(0, "copy"));
}

TEST_CASE("reductions the kernels do not serve, on one GPU, run host-staged",
          "[cuda][device_engine]") {
  Fixture f(1);
  SECTION("reduce_scatter") {
    Op op(CollectiveKind::kReduceScatter, {0, 0, 0}, 4, 12, 4);
    auto expected = op.Expected();
    REQUIRE(f.engine->Execute(op.plan).ok());
    CHECK(op.out == expected);
  }
  SECTION("all_reduce max") {
    Op op(CollectiveKind::kAllReduce, {0, 0}, 100, 100, 100);
    op.plan.op = ReduceOp::kMax;
    auto expected = op.Expected();
    REQUIRE(f.engine->Execute(op.plan).ok());
    CHECK(op.out == expected);
  }
  SECTION("reduce keeps the non-roots' outputs") {
    Op op(CollectiveKind::kReduce, {0, 0, 0}, 16, 16, 16);
    op.plan.root = 1;
    auto expected = op.Expected();
    REQUIRE(f.engine->Execute(op.plan).ok());
    CHECK(op.out == expected);
    CHECK(op.out[0][3] == -999.0f);
  }
  SECTION("in-place all_to_all (blocks swap)") {
    Op op(CollectiveKind::kAllToAll, {0, 0}, 2, 4, 4);
    for (size_t r = 0; r < 2; ++r) {
      op.out[r] = op.in[r];
      op.plan.ranks[r].in = reinterpret_cast<const std::byte*>(op.out[r].data());
      op.plan.ranks[r].out = reinterpret_cast<std::byte*>(op.out[r].data());
    }
    std::vector<std::vector<float>> expected = {{op.in[0][0], op.in[0][1], op.in[1][0], op.in[1][1]},
                                                {op.in[0][2], op.in[0][3], op.in[1][2], op.in[1][3]}};
    REQUIRE(f.engine->Execute(op.plan).ok());
    CHECK(op.out == expected);
  }
  CHECK(f.fake->staging_allocs == 1);
}

TEST_CASE("host and device ranks in one op meet in the staged path", "[cuda][device_engine]") {
  Fixture f(1);
  Op op(CollectiveKind::kAllReduce, {0, -1, 0}, 50, 50, 50);
  auto expected = op.Expected();
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(op.out == expected);
  CHECK(f.fake->launches.empty());
}

TEST_CASE("ExecuteStaged hands the host algorithm host pointers and copies its outputs back",
          "[cuda][device_engine]") {
  Fixture f(1);
  Op op(CollectiveKind::kBroadcast, {0, 0}, 8, 8, 8);
  op.Order(*f.fake);
  bool ran = false;
  Status s = f.engine->ExecuteStaged(op.plan, [&](const OpPlan& host) {
    ran = true;
    for (size_t r = 0; r < host.ranks.size(); ++r) {
      CHECK(host.ranks[r].gpu == -1);
      CHECK(host.ranks[r].ready_event == nullptr);
      CHECK(host.ranks[r].in != op.plan.ranks[r].in);  // staged copies
      auto* out = reinterpret_cast<float*>(host.ranks[r].out);
      for (int i = 0; i < 8; ++i) out[i] = static_cast<float>(100 * r + i);
    }
    return Status::Ok();
  });
  REQUIRE(s.ok());
  CHECK(ran);
  CHECK(op.out[1][7] == 107.0f);
  CHECK(f.fake->Logged(0, "record E21"));

  // A failing host algorithm fails the op; no done event is recorded.
  Fixture g(1);
  Op op2(CollectiveKind::kBroadcast, {0, 0}, 8, 8, 8);
  op2.Order(*g.fake);
  s = g.engine->ExecuteStaged(op2.plan, [](const OpPlan&) { return Unavailable("network down"); });
  CHECK(s.code() == StatusCode::kUnavailable);
  CHECK_FALSE(g.fake->Logged(0, "record E2"));
}

TEST_CASE("ranks on distinct GPUs use NCCL when it is loaded; communicators made once",
          "[cuda][device_engine]") {
  Fixture f(2, /*p2p=*/false);
  f.fake->nccl_version = "2.99.0";
  Op op(CollectiveKind::kReduceScatter, {0, 1}, 4, 8, 4);
  op.Order(*f.fake);
  REQUIRE(f.engine->Execute(op.plan).ok());
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(f.fake->nccl_creates == 1);
  REQUIRE(f.fake->comms.count(7) == 1);
  CHECK(f.fake->comms[7].second == std::vector<uint32_t>{0, 1});
  CHECK(f.fake->Logged(0, "nccl rank 0"));
  CHECK(f.fake->Logged(1, "nccl rank 1"));
  CHECK(f.fake->nccl_calls.count({7, 1}) == 1);
  f.engine->ForgetGroup(7);
  CHECK(f.fake->comms.empty());

  SECTION("an asynchronous NCCL error fails the op") {
    f.fake->SetNcclPoll(Internal("NCCL async error on group 7: unhandled system error"));
    Op op3(CollectiveKind::kReduceScatter, {0, 1}, 4, 8, 4);
    op3.plan.group_id = 8;
    Status s = f.engine->Execute(op3.plan);
    CHECK(s.code() == StatusCode::kInternal);
    CHECK(s.message().find("async") != std::string::npos);
  }
}

TEST_CASE("an in-place all_to_all through NCCL sends from a stream-ordered copy of its input",
          "[cuda][device_engine]") {
  Fixture f(2, /*p2p=*/false);
  f.fake->nccl_version = "2.99.0";
  Op op(CollectiveKind::kAllToAll, {0, 1}, 2, 4, 4);
  op.plan.ranks[1].out = const_cast<std::byte*>(op.plan.ranks[1].in);  // rank 1 in place
  op.Order(*f.fake);
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(f.fake->staging_allocs == 0);
  CHECK(f.fake->live_scratch.empty());  // freed (in stream order) after the calls
  // Rank 0 (apart) sends from its input; rank 1 from its scratch, copied
  // before its calls on its GPU.
  auto sends = [&](uint32_t rank) {
    std::vector<const void*> out;
    for (const NcclCall& c : f.fake->nccl_calls[{7, rank}]) {
      if (c.kind == NcclCall::Kind::kSend) out.push_back(c.send);
    }
    return out;
  };
  const auto* in0 = op.plan.ranks[0].in;
  const auto* in1 = op.plan.ranks[1].in;
  for (const void* p : sends(0)) CHECK((p >= in0 && p < in0 + 16));
  REQUIRE(sends(1).size() == 2);
  for (const void* p : sends(1)) CHECK_FALSE((p >= in1 && p < in1 + 16));
  std::vector<std::string> log1 = f.fake->Log(1);
  auto at = [&](const std::string& prefix) {
    for (size_t i = 0; i < log1.size(); ++i) {
      if (log1[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
    }
    return -1;
  };
  REQUIRE(at("alloc 16") >= 0);
  CHECK(at("alloc 16") < at("copy 16"));
  CHECK(at("copy 16") < at("nccl rank 1"));
  CHECK(at("nccl rank 1") < at("free"));
  CHECK(at("alloc") == at("alloc 16"));
  CHECK_FALSE(f.fake->Logged(0, "alloc"));  // rank 0 needs no copy
}

TEST_CASE("a group whose NCCL communicators cannot be made runs host-staged, without retrying",
          "[cuda][device_engine]") {
  Fixture f(2, /*p2p=*/false);
  f.fake->nccl_version = "2.99.0";
  f.fake->nccl_create_error = DeadlineExceeded("NCCL init of group 7 not ready");
  Op op(CollectiveKind::kAllGather, {0, 1}, 4, 4, 8);
  auto expected = op.Expected();
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(op.out == expected);
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(f.fake->nccl_creates == 1);
  CHECK(f.fake->staging_allocs == 1);
}

TEST_CASE("communicators that could not be made as the group formed are tried once more",
          "[cuda][device_engine]") {
  Fixture f(2, /*p2p=*/false);
  f.fake->nccl_version = "2.99.0";
  f.fake->nccl_create_error = DeadlineExceeded("NCCL init of group 7 not ready");
  GroupSetup setup;
  setup.group_id = 7;
  setup.world_size = 2;
  setup.ranks = {0, 1};
  setup.gpus = {0, 1};
  setup.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  f.engine->PrepareGroup(setup);
  CHECK(f.fake->nccl_creates == 1);
  f.fake->nccl_create_error = Status::Ok();  // the first op has time enough
  Op op(CollectiveKind::kAllGather, {0, 1}, 4, 4, 8);
  op.Order(*f.fake);
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(f.fake->nccl_creates == 2);
  CHECK(f.fake->Logged(0, "nccl rank 0"));
  CHECK(f.fake->staging_allocs == 0);
}

TEST_CASE("a GPU error fails the op with the backend's message", "[cuda][device_engine]") {
  Fixture f(1);
  f.fake->fail_copies = true;
  Op op(CollectiveKind::kAllGather, {0, 0}, 4, 4, 8);
  Status s = f.engine->Execute(op.plan);
  CHECK(s.code() == StatusCode::kInternal);
  CHECK(s.message().find("GPU 0") != std::string::npos);
}

TEST_CASE("a barrier orders every rank's done event after every ready event",
          "[cuda][device_engine]") {
  Fixture f(2);
  Op op(CollectiveKind::kBarrier, {0, 1}, 0, 0, 0);
  op.Order(*f.fake);
  REQUIRE(f.engine->Execute(op.plan).ok());
  for (uint32_t g = 0; g < 2; ++g) {
    const auto log = f.fake->Log(g);
    CHECK(At(log, "record E2" + std::to_string(g)) > At(log, "wait E11"));
    CHECK(At(log, "record E2" + std::to_string(g)) > At(log, "wait E10"));
  }
}

TEST_CASE("the watchdog reports a stream-ordered op not complete by its deadline",
          "[cuda][device_engine][watchdog]") {
  Fixture f(1);
  f.fake->stuck = true;
  Op op(CollectiveKind::kAllGather, {0, 0}, 4, 4, 8);
  op.Order(*f.fake);
  op.plan.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  // Answered at enqueue: the stuck work is not seen yet.
  REQUIRE(f.engine->Execute(op.plan).ok());
  auto failures = f.Failures(1);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].first == 7);
  CHECK(failures[0].second.code() == StatusCode::kDeadlineExceeded);
  CHECK(failures[0].second.message().find("all_gather of group 7") != std::string::npos);
  CHECK(failures[0].second.message().find("GPU 0") != std::string::npos);
}

TEST_CASE("without stream order a stuck op fails Execute at its deadline",
          "[cuda][device_engine][watchdog]") {
  Fixture f(1);
  f.fake->stuck = true;
  Op op(CollectiveKind::kAllGather, {0, 0}, 4, 4, 8);
  op.plan.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  Status s = f.engine->Execute(op.plan);
  CHECK(s.code() == StatusCode::kDeadlineExceeded);
  CHECK(f.Failures(0).empty());
}

TEST_CASE("the watchdog turns an NCCL error between ops into a group failure and aborts",
          "[cuda][device_engine][watchdog]") {
  Fixture f(2, /*p2p=*/false);
  f.fake->nccl_version = "2.99.0";
  Op op(CollectiveKind::kReduceScatter, {0, 1}, 4, 8, 4);
  op.Order(*f.fake);
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(f.Failures(0).empty());
  f.fake->SetNcclPoll(Internal("ncclCommGetAsyncError: remote process exited"));
  auto failures = f.Failures(1);
  REQUIRE(failures.size() == 1);  // reported once
  CHECK(failures[0].first == 7);
  CHECK(failures[0].second.message().find("remote process exited") != std::string::npos);
  CHECK(f.fake->nccl_aborts == 1);
  // The group's next op does not use the aborted communicators.
  f.fake->SetNcclPoll(Status::Ok());
  REQUIRE(f.engine->Execute(op.plan).ok());
  CHECK(f.fake->nccl_creates == 1);
  CHECK(f.Failures(2).size() == 1);
}

}  // namespace
}  // namespace ccs::cuda
