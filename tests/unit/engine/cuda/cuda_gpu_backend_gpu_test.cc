// The real GpuBackend (MakeCudaGpuBackend) on device 0 (label `gpu`):
// copies ordered by events and waited for from the host, the daemon's
// one-shot all-reduce with two ranks on one GPU, and, when NCCL loads,
// single-rank NCCL communicators running planned calls. Without a device
// the executable prints why and exits 77 (ctest: Skipped).
//
// NCCL comes from $CCS_TEST_NCCL_LIBRARY, else libnccl.so.2; when neither
// loads, the NCCL case says so and passes without running.
#include <cuda_runtime_api.h>

#define CATCH_CONFIG_RUNNER
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <thread>
#include <vector>

#include "daemon/engine/cuda/cuda_devices.h"
#include "daemon/engine/cuda/cuda_gpu_backend.h"
#include "daemon/engine/cuda/nccl_call.h"

namespace ccs::cuda {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::vector<LocalDevice>& Devices() {
  static std::vector<LocalDevice> devices;
  return devices;
}

std::unique_ptr<GpuBackend> Backend(const NcclLibrary* nccl = nullptr) {
  auto backend = MakeCudaGpuBackend({Devices().at(0)}, nccl);
  INFO(backend.status().ToString());
  REQUIRE(backend.ok());
  REQUIRE(backend.value()->Bind(0).ok());
  return std::move(backend).value();
}

// Device memory for the test's own use.
struct DeviceBuffer {
  explicit DeviceBuffer(size_t bytes) { REQUIRE(cudaMalloc(&p, bytes) == cudaSuccess); }
  ~DeviceBuffer() { cudaFree(p); }
  void* p = nullptr;
};

// Waits for everything enqueued so far on the backend's stream of GPU 0.
void Drain(GpuBackend& b) {
  void* event = b.CreateEvent(0).value();
  REQUIRE(b.RecordEvent(0, event).ok());
  REQUIRE(b.WaitEventHost(0, event, steady_clock::now() + std::chrono::seconds(30)).ok());
  b.DestroyEvent(0, event);
}

std::vector<float> Iota(size_t n, float start) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), start);
  return v;
}

TEST_CASE("copies H2D, D2D and D2H wait for the client's ready event", "[gpu]") {
  auto b = Backend();
  const size_t n = 1 << 16, bytes = n * sizeof(float);
  auto* staging = static_cast<float*>(b->AllocateStaging(2 * bytes).value());
  const std::vector<float> data = Iota(n, 1.0f);
  std::copy(data.begin(), data.end(), staging);
  DeviceBuffer d1(bytes), d2(bytes);

  // A "client" stream whose ready event completes only when the test says.
  cudaStream_t client = nullptr;
  REQUIRE(cudaStreamCreateWithFlags(&client, cudaStreamNonBlocking) == cudaSuccess);
  static std::atomic<bool> release{false};
  REQUIRE(cudaLaunchHostFunc(
              client,
              [](void*) {
                while (!release.load()) std::this_thread::sleep_for(milliseconds(1));
              },
              nullptr) == cudaSuccess);
  void* ready = b->CreateEvent(0).value();
  void* done = b->CreateEvent(0).value();
  REQUIRE(cudaEventRecord(static_cast<cudaEvent_t>(ready), client) == cudaSuccess);

  REQUIRE(b->WaitEvent(0, ready).ok());
  REQUIRE(b->Copy(0, d1.p, staging, bytes).ok());
  REQUIRE(b->Copy(0, d2.p, d1.p, bytes).ok());
  REQUIRE(b->Copy(0, staging + n, d2.p, bytes).ok());
  REQUIRE(b->RecordEvent(0, done).ok());

  Status early = b->WaitEventHost(0, done, steady_clock::now() + milliseconds(100));
  CHECK(early.code() == StatusCode::kDeadlineExceeded);
  CHECK_THAT(early.message(), Catch::Contains("GPU 0"));
  release = true;
  REQUIRE(b->WaitEventHost(0, done, steady_clock::now() + std::chrono::seconds(30)).ok());
  CHECK(std::equal(data.begin(), data.end(), staging + n));

  REQUIRE(cudaStreamSynchronize(client) == cudaSuccess);
  cudaStreamDestroy(client);
  b->DestroyEvent(0, ready);
  b->DestroyEvent(0, done);
  b->FreeStaging(staging);
}

TEST_CASE("one-shot all-reduce of two ranks on one GPU through the backend", "[gpu]") {
  auto b = Backend();
  const size_t n = 4096, bytes = n * sizeof(float);
  DeviceBuffer in0(bytes), in1(bytes), out0(bytes), out1(bytes);
  const std::vector<float> a = Iota(n, 0.0f), c = Iota(n, 100.0f);
  REQUIRE(b->Copy(0, in0.p, a.data(), bytes).ok());
  REQUIRE(b->Copy(0, in1.p, c.data(), bytes).ok());
  void* signal = b->AllocateSignal(0).value();

  const void* inputs[] = {in0.p, in1.p};
  void* outputs[] = {out0.p, out1.p};
  void* signals[] = {signal};
  const void* firsts[] = {out0.p};
  const void* all[] = {in0.p, in1.p, out0.p, out1.p};
  kernels::AllReduceLaunch launch;
  launch.dtype = kernels::ArDtype::kFloat32;
  launch.count = n;
  launch.inputs = inputs;
  launch.num_inputs = 2;
  launch.outputs = outputs;
  launch.num_outputs = 2;
  launch.signals = signals;
  launch.participant_outputs = firsts;
  launch.num_participants = 1;
  launch.vectorise = kernels::CanVectorize(n, launch.dtype, all, 4);
  Status launched = b->LaunchAllReduce(0, launch, kernels::ArAlgorithm::kOneShot);
  INFO(launched.ToString());
  REQUIRE(launched.ok());

  std::vector<float> r0(n), r1(n);
  REQUIRE(b->Copy(0, r0.data(), out0.p, bytes).ok());
  REQUIRE(b->Copy(0, r1.data(), out1.p, bytes).ok());
  Drain(*b);
  for (size_t i = 0; i < n; ++i) {
    REQUIRE(r0[i] == a[i] + c[i]);
    REQUIRE(r1[i] == a[i] + c[i]);
  }
  b->FreeSignal(0, signal);
}

// A one-rank plan of `kind` over device buffers.
OpPlan OneRankPlan(CollectiveKind kind, const void* in, void* out, uint64_t count) {
  OpPlan plan;
  plan.group_id = 1;
  plan.world_size = 1;
  plan.group_ranks = {0};
  plan.kind = kind;
  plan.count = count;
  RankIo io;
  io.gpu = 0;
  io.in = static_cast<const std::byte*>(in);
  io.out = static_cast<std::byte*>(out);
  io.in_count = io.out_count = count;
  plan.ranks = {io};
  return plan;
}

TEST_CASE("single-rank NCCL communicators run planned calls", "[gpu][nccl]") {
  const char* path = std::getenv("CCS_TEST_NCCL_LIBRARY");
  auto nccl = NcclLibrary::Load(path ? path : "libnccl.so.2");
  if (!nccl.ok()) {
    WARN("NCCL not loaded, NCCL case not run: " << nccl.status().ToString());
    return;
  }
  auto b = Backend(nccl.value().get());
  CHECK_FALSE(b->NcclVersion().empty());
  const uint32_t ranks[] = {0}, gpus[] = {0};
  Status created = b->CreateNcclComms(1, "gpu-test", 1, ranks, gpus, "",
                                      steady_clock::now() + std::chrono::seconds(60));
  INFO(created.ToString());
  REQUIRE(created.ok());
  REQUIRE(b->PollNccl(1).ok());

  const size_t n = 1 << 12, bytes = n * sizeof(float);
  DeviceBuffer in(bytes), out(bytes);
  const std::vector<float> data = Iota(n, 3.0f);
  REQUIRE(b->Copy(0, in.p, data.data(), bytes).ok());
  for (CollectiveKind kind : {CollectiveKind::kAllReduce, CollectiveKind::kAllToAll}) {
    INFO(CollectiveName(kind));
    REQUIRE(cudaMemset(out.p, 0, bytes) == cudaSuccess);
    REQUIRE(cudaDeviceSynchronize() == cudaSuccess);  // other stream than the backend's
    auto planned = PlanNcclCalls(OneRankPlan(kind, in.p, out.p, n));
    REQUIRE(planned.ok());
    Status ran = b->RunNccl(0, 1, 0, planned.value()[0].calls);
    INFO(ran.ToString());
    REQUIRE(ran.ok());
    std::vector<float> result(n);
    REQUIRE(b->Copy(0, result.data(), out.p, bytes).ok());
    Drain(*b);
    CHECK(result == data);
  }
  REQUIRE(b->PollNccl(1).ok());
  b->DestroyNcclComms(1, /*abort=*/false);
  CHECK(b->PollNccl(1).code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace ccs::cuda

int main(int argc, char** argv) {
  auto devices = ccs::cuda::DiscoverDevices();
  if (!devices.ok() || devices->empty()) {
    std::printf("SKIPPED: no usable CUDA device (%s)\n",
                devices.ok() ? "0 devices" : devices.status().ToString().c_str());
    return 77;
  }
  ccs::cuda::Devices() = std::move(devices).value();
  return Catch::Session().run(argc, argv);
}
