// Device-buffer collectives through the daemon's core, GPU-free: sessions,
// the BufferRegistry (device buffers registered through a mapping of host
// memory standing in for CUDA IPC), the CollectiveSubmitter, a Group's
// executor, the EngineRouter and the CUDA DeviceEngine over the
// FakeGpuBackend (no GPU in CI). Checks what the core adds: device ranges
// resolved to device addresses on the right GPU, host and device buffers
// never mixed in one call, the group's identity in the plan, and results.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "daemon/core/buffer_registry.h"
#include "daemon/core/collective_submitter.h"
#include "daemon/core/group_registry.h"
#include "daemon/core/session_manager.h"
#include "daemon/engine/cuda/device_engine.h"
#include "daemon/engine/engine_router.h"
#include "tests/unit/engine/cuda/fake_gpu_backend.h"

namespace ccs::cuda {
namespace {

using namespace std::chrono_literals;

struct Daemon {
  Daemon() : buffers(Limits{}), groups(&router, Config{}) {}
  ~Daemon() { groups.ShutdownAll(Unavailable("test over"), Clock::now() + 5s); }

  // `memory` registered for `session` as a device buffer on GPU 0.
  uint64_t DeviceBuffer(const Session& s, std::vector<float>& memory) {
    return buffers
        .RegisterDevice(s, "GPU-fake", memory.size() * sizeof(float),
                        [&]() -> StatusOr<DeviceRange> {
                          return DeviceRange{reinterpret_cast<std::byte*>(memory.data()), 0,
                                             std::make_shared<int>(0)};
                        })
        .value();
  }

  std::unique_ptr<Engine> host = MakeHostEngine({1, 1 << 20});
  FakeGpuBackend* fake = new FakeGpuBackend(1);  // owned by `device`
  std::unique_ptr<Engine> device =
      MakeDeviceEngine(std::unique_ptr<GpuBackend>(fake), host.get(), DeviceEngineOptions());
  EngineRouter router{host.get(), device.get()};
  SessionManager sessions;
  BufferRegistry buffers;
  GroupRegistry groups;
};

CollectiveCall AllReduce(uint64_t send, uint64_t recv, uint64_t count) {
  CollectiveCall c;
  c.kind = CollectiveKind::kAllReduce;
  c.dtype = DataType::kFloat32;
  c.op = ReduceOp::kSum;
  c.count = count;
  c.send = BufferRefValue{send, 0};
  c.recv = BufferRefValue{recv, 0};
  return c;
}

TEST_CASE("an all-reduce of device buffers runs the device engine through the core",
          "[cuda][device_ops]") {
  Daemon d;
  GroupRegistry& groups = d.groups;
  CollectiveSubmitter submitter(&d.sessions, &d.buffers, &groups, 5000ms);
  std::promise<Status> j0, j1;
  PeerIdentity w0{"fd:1", true, 0, 0, 101}, w1{"fd:2", true, 0, 0, 102};
  Session s0 = d.sessions.Open(w0, "r0").value();
  Session s1 = d.sessions.Open(w1, "r1").value();
  REQUIRE(groups.Join(s0, JoinRequest{"g", 2, 0, 5000ms},
                      [&](const Status& s, const JoinResult&) { j0.set_value(s); }).ok());
  REQUIRE(groups.Join(s1, JoinRequest{"g", 2, 1, 5000ms},
                      [&](const Status& s, const JoinResult&) { j1.set_value(s); }).ok());
  REQUIRE(j0.get_future().get().ok());
  REQUIRE(j1.get_future().get().ok());
  const uint64_t gid = groups.FindByName("g").value()->id();

  std::vector<float> in0(256, 1.5f), in1(256, 2.0f), out0(256, -1), out1(256, -1);
  const uint64_t b_in0 = d.DeviceBuffer(s0, in0), b_out0 = d.DeviceBuffer(s0, out0);
  const uint64_t b_in1 = d.DeviceBuffer(s1, in1), b_out1 = d.DeviceBuffer(s1, out1);
  std::promise<Status> r0, r1;
  submitter.Submit(w0, s0.id, gid, AllReduce(b_in0, b_out0, 256),
                   [&](const Status& s, uint64_t) { r0.set_value(s); });
  submitter.Submit(w1, s1.id, gid, AllReduce(b_in1, b_out1, 256),
                   [&](const Status& s, uint64_t) { r1.set_value(s); });
  REQUIRE(r0.get_future().get().ok());
  REQUIRE(r1.get_future().get().ok());
  CHECK(out0 == std::vector<float>(256, 3.5f));
  CHECK(out1 == std::vector<float>(256, 3.5f));
  REQUIRE(d.fake->launches.size() == 1);
  CHECK(d.fake->launches[0].num_outputs == 2);
  CHECK(d.fake->live_signals.size() == 1);  // the group's, kept by the engine
  // The flight recorder says how the op ran.
  const GroupDump dump = groups.FindByName("g").value()->Dump();
  REQUIRE(dump.flight.ops.size() == 1);
  CHECK(dump.flight.ops[0].path == "cuda:one_shot");

  SECTION("host and device buffers in one call are refused, naming both sides") {
    const std::string name = "/ccs-device-ops-test-" + std::to_string(getpid());
    int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, 4096) == 0);
    close(fd);
    StatusOr<uint64_t> host_buffer = d.buffers.RegisterShm(s0, name, 4096);
    shm_unlink(name.c_str());  // mapped now; nothing left behind
    REQUIRE(host_buffer.ok());
    std::promise<Status> bad;
    submitter.Submit(w0, s0.id, gid, AllReduce(b_in0, *host_buffer, 256),
                     [&](const Status& s, uint64_t) { bad.set_value(s); });
    Status s = bad.get_future().get();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().find("send is device memory on GPU 0 but recv is host memory") !=
          std::string::npos);
  }
  groups.ShutdownAll(Unavailable("test over"), Clock::now() + 5s);
  // The group is gone: the engine freed its signal block.
  CHECK(d.fake->live_signals.empty());
}

TEST_CASE("ranks that name their GPUs at join get the group set up as it forms",
          "[cuda][device_ops]") {
  // Two GPUs with NCCL "loaded" and P2P verified: a group of one rank per
  // GPU gets its signal blocks and NCCL communicators before any op.
  std::unique_ptr<Engine> host = MakeHostEngine({1, 1 << 20});
  auto* fake = new FakeGpuBackend(2);  // owned by `device`
  fake->nccl_version = "2.99.0";
  DeviceEngineOptions options;
  options.p2p = P2pMatrix(2);
  options.p2p.Set(0, 1, true);
  options.p2p.Set(1, 0, true);
  std::unique_ptr<Engine> device =
      MakeDeviceEngine(std::unique_ptr<GpuBackend>(fake), host.get(), std::move(options));
  EngineRouter router(host.get(), device.get());
  SessionManager sessions;
  GroupRegistry groups(&router, Config{});
  std::promise<Status> j0, j1;
  Session s0 = sessions.Open(PeerIdentity{"fd:1", true, 0, 0, 101}, "r0").value();
  Session s1 = sessions.Open(PeerIdentity{"fd:2", true, 0, 0, 102}, "r1").value();
  JoinRequest r0{"named", 2, 0, 5000ms};
  r0.gpu = 0;
  JoinRequest r1{"named", 2, 1, 5000ms};
  r1.gpu = 1;
  REQUIRE(groups.Join(s0, r0, [&](const Status& s, const JoinResult&) { j0.set_value(s); }).ok());
  REQUIRE(groups.Join(s1, r1, [&](const Status& s, const JoinResult&) { j1.set_value(s); }).ok());
  REQUIRE(j0.get_future().get().ok());
  REQUIRE(j1.get_future().get().ok());
  const uint64_t gid = groups.FindByName("named").value()->id();
  bool prepared = false;
  for (int i = 0; i < 500 && !prepared; ++i) {
    prepared = fake->HasComms(gid);
    if (!prepared) std::this_thread::sleep_for(10ms);
  }
  CHECK(prepared);
  CHECK(fake->comms[gid].second == std::vector<uint32_t>{0, 1});
  CHECK(fake->live_signals.size() == 2);
  groups.ShutdownAll(Unavailable("test over"), Clock::now() + 5s);
  CHECK(fake->comms.empty());  // aborted when the group went
  CHECK(fake->live_signals.empty());
}

}  // namespace
}  // namespace ccs::cuda
