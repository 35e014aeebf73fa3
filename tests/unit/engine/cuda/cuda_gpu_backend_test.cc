// The CUDA backend's checks that need no GPU: a backend of zero devices
// makes no CUDA call, so its argument and NCCL checks run anywhere.
#include "daemon/engine/cuda/cuda_gpu_backend.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace ccs::cuda {
namespace {

const auto kSoon = std::chrono::steady_clock::now() + std::chrono::seconds(5);

TEST_CASE("a backend without NCCL refuses NCCL calls, naming why", "[cuda]") {
  auto b = MakeCudaGpuBackend({}, nullptr);
  REQUIRE(b.ok());
  GpuBackend& backend = *b.value();
  CHECK(backend.Gpus() == 0);
  CHECK(backend.NcclVersion().empty());
  const uint32_t ranks[] = {0}, gpus[] = {0};
  Status s = backend.CreateNcclComms(1, "tp", 1, ranks, gpus, "", kSoon);
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(s.message(), Catch::Contains("NCCL is not loaded"));
  CHECK(backend.PollNccl(1).code() == StatusCode::kNotFound);
  backend.DestroyNcclComms(1, /*abort=*/true);  // none: no-op
}

TEST_CASE("GPU indices outside the backend's devices are refused", "[cuda]") {
  auto nccl = NcclLibrary::Load("libnccl.so.2");
  REQUIRE(nccl.ok());
  auto b = MakeCudaGpuBackend({}, nccl.value().get());
  REQUIRE(b.ok());
  GpuBackend& backend = *b.value();
  CHECK_FALSE(backend.NcclVersion().empty());
  CHECK_THAT(backend.Bind(0).message(), Catch::Contains("GPU 0 is not one of"));
  CHECK(backend.Copy(1, nullptr, nullptr, 4).code() == StatusCode::kInvalidArgument);
  CHECK(backend.CreateEvent(0).status().code() == StatusCode::kInvalidArgument);
  NcclCall call;
  CHECK(backend.RunNccl(0, 1, 0, {&call, 1}).code() == StatusCode::kInvalidArgument);
  const uint32_t ranks[] = {0, 1}, gpus[] = {0, 0};
  Status s = backend.CreateNcclComms(1, "tp", 2, ranks, gpus, "", kSoon);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  s = backend.CreateNcclComms(1, "tp", 3, ranks, gpus, "", kSoon);
  CHECK_THAT(s.message(), Catch::Contains("without a shared unique id every rank must be here"));
  // A shared id from another node must be a whole ncclUniqueId.
  s = backend.CreateNcclComms(1, "tp", 3, ranks, gpus, "short", kSoon);
  CHECK_THAT(s.message(), Catch::Contains("unique id"));
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(backend.AllocateStaging(0).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccs::cuda
