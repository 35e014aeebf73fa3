// The GPU-free half of the custom all-reduce host API: launch validation,
// vectorisation and the grid all participants agree on.
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "kernels/custom_all_reduce.h"

namespace ccs::kernels {
namespace {

void* Ptr(uintptr_t v) { return reinterpret_cast<void*>(v); }

// A well-formed launch of `participants` GPUs with one rank each.
struct LaunchFixture {
  explicit LaunchFixture(uint32_t participants, uint32_t self = 0) {
    for (uint32_t p = 0; p < participants; ++p) {
      inputs.push_back(Ptr(0x10000 * (p + 1)));
      outputs_of.push_back(Ptr(0x10000 * (p + 1) + 0x8000));
      signals.push_back(Ptr(0x900000 + 0x1000 * p));
    }
    outputs = {const_cast<void*>(outputs_of[self])};
    launch.count = 1024;
    launch.inputs = inputs.data();
    launch.num_inputs = participants;
    launch.outputs = outputs.data();
    launch.num_outputs = 1;
    launch.signals = signals.data();
    launch.participant_outputs = outputs_of.data();
    launch.num_participants = participants;
    launch.self = self;
  }
  std::vector<const void*> inputs;
  std::vector<void*> outputs;
  std::vector<const void*> outputs_of;
  std::vector<void*> signals;
  AllReduceLaunch launch;
};

TEST_CASE("well-formed launches pass validation", "[kernels][plan]") {
  LaunchFixture f(4, 2);
  CHECK(ValidateLaunch(f.launch, ArAlgorithm::kOneShot).ok());
  CHECK(ValidateLaunch(f.launch, ArAlgorithm::kTwoShot).ok());
  f.launch.vectorise = true;
  CHECK(ValidateLaunch(f.launch, ArAlgorithm::kTwoShot).ok());
}

TEST_CASE("malformed launches are refused naming the field", "[kernels][plan]") {
  auto message = [](const AllReduceLaunch& l) {
    return ValidateLaunch(l, ArAlgorithm::kTwoShot).message();
  };
  LaunchFixture f(2);
  AllReduceLaunch l = f.launch;
  l.num_inputs = 0;
  CHECK(message(l).find("num_inputs is 0, must be 1..16") != std::string::npos);
  l = f.launch;
  l.num_inputs = kMaxRanks + 1;
  CHECK(message(l).find("num_inputs") != std::string::npos);
  l = f.launch;
  l.num_participants = kMaxParticipants + 1;
  CHECK(message(l).find("num_participants") != std::string::npos);
  l = f.launch;
  l.self = 2;
  CHECK(message(l).find("self 2 is not below num_participants 2") != std::string::npos);
  l = f.launch;
  l.signals = nullptr;
  CHECK(message(l).find("signals array is null") != std::string::npos);
  f.inputs[1] = nullptr;
  CHECK(message(f.launch).find("inputs[1] is null") != std::string::npos);
}

TEST_CASE("one-shot in place across GPUs is refused, on one GPU allowed",
          "[kernels][plan]") {
  LaunchFixture f(2);
  f.outputs[0] = const_cast<void*>(f.inputs[0]);
  auto s = ValidateLaunch(f.launch, ArAlgorithm::kOneShot);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("cannot run in place") != std::string::npos);
  CHECK(ValidateLaunch(f.launch, ArAlgorithm::kTwoShot).ok());
  LaunchFixture one(1);
  one.outputs[0] = const_cast<void*>(one.inputs[0]);
  CHECK(ValidateLaunch(one.launch, ArAlgorithm::kOneShot).ok());
}

TEST_CASE("vectorised launches need 16-byte alignment and whole packs",
          "[kernels][plan]") {
  LaunchFixture f(2);
  f.launch.vectorise = true;
  f.launch.count = 1023;  // float32: 4092 bytes
  CHECK(ValidateLaunch(f.launch, ArAlgorithm::kOneShot).message().find("16-byte packs") !=
        std::string::npos);
  f.launch.count = 1024;
  f.inputs[1] = Ptr(0x20008);
  CHECK(ValidateLaunch(f.launch, ArAlgorithm::kOneShot)
            .message()
            .find("inputs[1] is not 16-byte aligned") != std::string::npos);
}

TEST_CASE("CanVectorize looks at every pointer and the byte count", "[kernels][plan]") {
  const void* aligned[] = {Ptr(0x1000), Ptr(0x2010)};
  const void* odd[] = {Ptr(0x1000), Ptr(0x2002)};
  CHECK(CanVectorize(8, ArDtype::kFloat16, aligned, 2));
  CHECK_FALSE(CanVectorize(4, ArDtype::kFloat16, aligned, 2));  // 8 bytes
  CHECK(CanVectorize(4, ArDtype::kFloat32, aligned, 2));
  CHECK_FALSE(CanVectorize(8, ArDtype::kBfloat16, odd, 2));
  CHECK(CanVectorize(0, ArDtype::kFloat32, aligned, 2));
}

TEST_CASE("the grid depends only on count, dtype, packing, GPUs and algorithm",
          "[kernels][plan]") {
  GridPlan small = PlanGrid(4, ArDtype::kFloat32, true, 2, ArAlgorithm::kOneShot);
  CHECK(small.blocks == 1);
  CHECK(small.threads == kThreadsPerBlock);
  CHECK(small.elems_per_pack == 4);
  CHECK(small.packs == 1);
  GridPlan half = PlanGrid(1 << 20, ArDtype::kFloat16, true, 2, ArAlgorithm::kOneShot);
  CHECK(half.elems_per_pack == 8);
  CHECK(half.packs == (1 << 17));
  CHECK(half.blocks == kMaxBlocks);
  GridPlan scalar = PlanGrid(1000, ArDtype::kBfloat16, false, 4, ArAlgorithm::kOneShot);
  CHECK(scalar.elems_per_pack == 1);
  CHECK(scalar.packs == 1000);
  CHECK(scalar.blocks == 2);
  // Two-shot sizes the grid for one shard.
  GridPlan two = PlanGrid(4 * 1024, ArDtype::kFloat32, false, 4, ArAlgorithm::kTwoShot);
  CHECK(two.blocks == 2);
  GridPlan none = PlanGrid(0, ArDtype::kFloat32, true, 2, ArAlgorithm::kTwoShot);
  CHECK(none.blocks == 1);
  CHECK(none.packs == 0);
}

TEST_CASE("dtype sizes and signal block size", "[kernels][plan]") {
  CHECK(ArDtypeSize(ArDtype::kFloat32) == 4);
  CHECK(ArDtypeSize(ArDtype::kFloat16) == 2);
  CHECK(ArDtypeSize(ArDtype::kBfloat16) == 2);
  CHECK(kSignalBytes == 8 * kMaxBlocks * (1 + kMaxParticipants));
}

}  // namespace
}  // namespace ccs::kernels
