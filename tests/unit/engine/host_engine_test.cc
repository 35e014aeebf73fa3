// Host engine behaviour beyond the sweep: integer wrap-around, float32
// accumulation of 16-bit floats, unused buffers, invalid plans and
// concurrent callers.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "daemon/core/types.h"
#include "daemon/engine/engine.h"
#include "tests/unit/engine/engine_test_support.h"

namespace ccs::testing {
namespace {

// A reduction over hand-picked values: rank s contributes values[s] (one
// element each); returns the root's (rank 0's) result bytes.
template <typename T>
std::vector<std::byte> ReduceOne(DataType dtype, ReduceOp op,
                                 const std::vector<T>& values) {
  const auto engine = MakeHostEngine(HostEngineOptions{});
  std::vector<T> in = values;
  std::vector<std::vector<std::byte>> out(values.size(),
                                          std::vector<std::byte>(sizeof(T)));
  OpPlan plan;
  plan.kind = CollectiveKind::kAllReduce;
  plan.dtype = dtype;
  plan.op = op;
  plan.count = 1;
  for (size_t s = 0; s < values.size(); ++s) {
    RankIo io;
    io.in = reinterpret_cast<const std::byte*>(&in[s]);
    io.out = out[s].data();
    io.in_count = io.out_count = 1;
    plan.ranks.push_back(io);
  }
  REQUIRE(engine->Execute(plan).ok());
  for (size_t s = 1; s < out.size(); ++s) REQUIRE(out[s] == out[0]);
  return out[0];
}

template <typename T>
T AllReduce(DataType dtype, ReduceOp op, const std::vector<T>& values) {
  const std::vector<std::byte> bytes = ReduceOne(dtype, op, values);
  T result;
  std::memcpy(&result, bytes.data(), sizeof(T));
  return result;
}

TEST_CASE("integer sum and prod wrap around instead of overflowing", "[engine][host]") {
  CHECK(AllReduce<int8_t>(DataType::kInt8, ReduceOp::kSum, {100, 100}) == -56);
  CHECK(AllReduce<uint8_t>(DataType::kUint8, ReduceOp::kSum, {200, 100}) == 44);
  CHECK(AllReduce<uint8_t>(DataType::kUint8, ReduceOp::kProd, {16, 17}) == 16);
  constexpr int32_t kMax32 = std::numeric_limits<int32_t>::max();
  CHECK(AllReduce<int32_t>(DataType::kInt32, ReduceOp::kSum, {kMax32, 1}) ==
        std::numeric_limits<int32_t>::min());
  CHECK(AllReduce<int32_t>(DataType::kInt32, ReduceOp::kProd, {65536, 65536, 3}) == 0);
  CHECK(AllReduce<int32_t>(DataType::kInt32, ReduceOp::kProd, {-65536, 32768}) ==
        std::numeric_limits<int32_t>::min());
  constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
  CHECK(AllReduce<int64_t>(DataType::kInt64, ReduceOp::kSum, {kMax64, kMax64}) == -2);
  CHECK(AllReduce<int64_t>(DataType::kInt64, ReduceOp::kProd, {kMax64, 2}) == -2);
}

TEST_CASE("integer avg divides the wrapped sum, truncating toward zero",
          "[engine][host]") {
  CHECK(AllReduce<int32_t>(DataType::kInt32, ReduceOp::kAvg, {-7, 0}) == -3);
  CHECK(AllReduce<int32_t>(DataType::kInt32, ReduceOp::kAvg, {7, 0}) == 3);
  CHECK(AllReduce<int8_t>(DataType::kInt8, ReduceOp::kAvg, {100, 100}) == -28);
  CHECK(AllReduce<uint8_t>(DataType::kUint8, ReduceOp::kAvg, {255, 255, 255}) == 84);
  CHECK(AllReduce<int64_t>(DataType::kInt64, ReduceOp::kAvg, {-1, -1, -1, 2}) == 0);
}

TEST_CASE("min and max compare signed and unsigned correctly", "[engine][host]") {
  CHECK(AllReduce<int8_t>(DataType::kInt8, ReduceOp::kMin, {5, -128, 127}) == -128);
  CHECK(AllReduce<int8_t>(DataType::kInt8, ReduceOp::kMax, {5, -128, 127}) == 127);
  CHECK(AllReduce<uint8_t>(DataType::kUint8, ReduceOp::kMax, {5, 200, 127}) == 200);
  CHECK(AllReduce<int64_t>(DataType::kInt64, ReduceOp::kMin, {3, -(int64_t{1} << 40)}) ==
        -(int64_t{1} << 40));
}

TEST_CASE("16-bit floats accumulate in float32 and round once", "[engine][host]") {
  // Accumulating in float16 would lose both 1s next to 2048 (spacing 2).
  CHECK(AllReduce<uint16_t>(DataType::kFloat16, ReduceOp::kSum,
                            {0x6800, 0x3C00, 0x3C00}) == 0x6801);  // 2048 + 1 + 1 = 2050
  // bfloat16: 256 + 1 + 1 = 258 (spacing 2 at 256).
  CHECK(AllReduce<uint16_t>(DataType::kBfloat16, ReduceOp::kSum,
                            {0x4380, 0x3F80, 0x3F80}) == 0x4381);
  // (1 + 2) / 2 = 1.5.
  CHECK(AllReduce<uint16_t>(DataType::kFloat16, ReduceOp::kAvg, {0x3C00, 0x4000}) ==
        0x3E00);
  // 65504 + 65504 overflows float16 to inf after rounding.
  CHECK(AllReduce<uint16_t>(DataType::kFloat16, ReduceOp::kSum, {0x7BFF, 0x7BFF}) ==
        0x7C00);
  // Float avg divides in the accumulation type: 1/3 as float32.
  CHECK(AllReduce<float>(DataType::kFloat32, ReduceOp::kAvg, {1.0f, 0.0f, 0.0f}) ==
        1.0f / 3.0f);
}

TEST_CASE("uint32 and uint64 wrap, compare and divide as unsigned", "[engine][host]") {
  constexpr uint32_t kMaxU32 = std::numeric_limits<uint32_t>::max();
  CHECK(AllReduce<uint32_t>(DataType::kUint32, ReduceOp::kSum, {kMaxU32, 2}) == 1);
  CHECK(AllReduce<uint32_t>(DataType::kUint32, ReduceOp::kMax, {5, 0x80000000u, 7}) ==
        0x80000000u);
  CHECK(AllReduce<uint32_t>(DataType::kUint32, ReduceOp::kMin, {5, 0x80000000u, 7}) == 5);
  // (3 * (2^32 - 1)) mod 2^32 = 2^32 - 3, divided by 3.
  CHECK(AllReduce<uint32_t>(DataType::kUint32, ReduceOp::kAvg,
                            {kMaxU32, kMaxU32, kMaxU32}) == 1431655764u);
  CHECK(AllReduce<uint32_t>(DataType::kUint32, ReduceOp::kProd, {65536, 65537}) == 65536);
  constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();
  constexpr uint64_t kTop = uint64_t{1} << 63;
  CHECK(AllReduce<uint64_t>(DataType::kUint64, ReduceOp::kSum, {kMaxU64, 2}) == 1);
  CHECK(AllReduce<uint64_t>(DataType::kUint64, ReduceOp::kMax, {5, kTop}) == kTop);
  CHECK(AllReduce<uint64_t>(DataType::kUint64, ReduceOp::kMin, {5, kTop}) == 5);
  CHECK(AllReduce<uint64_t>(DataType::kUint64, ReduceOp::kAvg, {7, 0}) == 3);
  CHECK(AllReduce<uint64_t>(DataType::kUint64, ReduceOp::kAvg, {kTop, kTop, 4}) ==
        1);  // 4 / 3
}

TEST_CASE("float8 e4m3 accumulates in float32, rounds once and saturates",
          "[engine][host]") {
  // 16 + 1 + 1 = 18 (spacing 2 at 16; in float8 each 1 would be lost).
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E4m3, ReduceOp::kSum, {0x58, 0x38, 0x38}) ==
        0x59);
  // 448 + 448 saturates to 448, either sign.
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E4m3, ReduceOp::kSum, {0x7E, 0x7E}) == 0x7E);
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E4m3, ReduceOp::kSum, {0xFE, 0xFE}) == 0xFE);
  // NaN stays NaN.
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E4m3, ReduceOp::kSum, {0x7F, 0x38}) == 0x7F);
  // min / max of 1, -2, 448.
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E4m3, ReduceOp::kMin, {0x38, 0xC0, 0x7E}) ==
        0xC0);
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E4m3, ReduceOp::kMax, {0x38, 0xC0, 0x7E}) ==
        0x7E);
  // (1 + 2) / 2 = 1.5; 1 / 3 in float32 rounds to 11/32 (0.34375).
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E4m3, ReduceOp::kAvg, {0x38, 0x40}) == 0x3C);
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E4m3, ReduceOp::kAvg, {0x38, 0x00, 0x00}) ==
        0x2B);
}

TEST_CASE("float8 e5m2 accumulates in float32, rounds once and overflows to inf",
          "[engine][host]") {
  // 16 + 4 * 1 = 20 (spacing 4 at 16).
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E5m2, ReduceOp::kSum,
                           {0x4C, 0x3C, 0x3C, 0x3C, 0x3C}) == 0x4D);
  // 57344 + 57344 rounds to inf, either sign.
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E5m2, ReduceOp::kSum, {0x7B, 0x7B}) == 0x7C);
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E5m2, ReduceOp::kSum, {0xFB, 0xFB}) == 0xFC);
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E5m2, ReduceOp::kMin, {0x3C, 0xC0, 0x7B}) ==
        0xC0);
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E5m2, ReduceOp::kMax, {0x3C, 0xC0, 0x7B}) ==
        0x7B);
  // (1 + 2) / 2 = 1.5.
  CHECK(AllReduce<uint8_t>(DataType::kFloat8E5m2, ReduceOp::kAvg, {0x3C, 0x40}) == 0x3E);
}

TEST_CASE("ranks that do not use a buffer may pass none", "[engine][host]") {
  const auto engine = MakeHostEngine(HostEngineOptions{});
  std::vector<int32_t> in0 = {1, 2}, in1 = {10, 20};
  std::vector<int32_t> out0(2, -1);
  OpPlan plan;
  plan.kind = CollectiveKind::kReduce;
  plan.dtype = DataType::kInt32;
  plan.count = 2;
  plan.root = 0;
  plan.ranks.resize(2);
  plan.ranks[0] = HostIo(reinterpret_cast<const std::byte*>(in0.data()),
                         reinterpret_cast<std::byte*>(out0.data()), 2, 2);
  plan.ranks[1] = HostIo(reinterpret_cast<const std::byte*>(in1.data()), nullptr, 2, 0);
  REQUIRE(engine->Execute(plan).ok());
  CHECK(out0 == std::vector<int32_t>{11, 22});
}

// A valid 2-rank all_gather of 4 float32 per rank; tests break one field.
struct ValidPlan {
  std::vector<float> in0 = std::vector<float>(4, 1.0f), in1 = std::vector<float>(4, 2.0f);
  std::vector<float> out0 = std::vector<float>(8, 0.0f),
                     out1 = std::vector<float>(8, 0.0f);
  OpPlan plan;
  ValidPlan() {
    plan.kind = CollectiveKind::kAllGather;
    plan.dtype = DataType::kFloat32;
    plan.count = 4;
    plan.ranks.resize(2);
    plan.ranks[0] = HostIo(reinterpret_cast<const std::byte*>(in0.data()),
                           reinterpret_cast<std::byte*>(out0.data()), 4, 8);
    plan.ranks[1] = HostIo(reinterpret_cast<const std::byte*>(in1.data()),
                           reinterpret_cast<std::byte*>(out1.data()), 4, 8);
  }
};

void ExpectInvalid(const OpPlan& plan, const std::string& what) {
  const auto engine = MakeHostEngine(HostEngineOptions{});
  const Status status = engine->Execute(plan);
  INFO(what << ": " << status.ToString());
  CHECK(status.code() == StatusCode::kInvalidArgument);
}

TEST_CASE("structurally impossible plans return INVALID_ARGUMENT", "[engine][host]") {
  {
    ValidPlan v;
    const auto engine = MakeHostEngine(HostEngineOptions{});
    REQUIRE(engine->Execute(v.plan).ok());
    CHECK(v.out1 == std::vector<float>{1, 1, 1, 1, 2, 2, 2, 2});
  }
  {
    ValidPlan v;
    v.plan.ranks.clear();
    ExpectInvalid(v.plan, "no ranks");
    v.plan.kind = CollectiveKind::kBarrier;
    ExpectInvalid(v.plan, "barrier without ranks");
  }
  for (CollectiveKind kind : {CollectiveKind::kReduce, CollectiveKind::kBroadcast,
                              CollectiveKind::kGather, CollectiveKind::kScatter}) {
    ValidPlan v;
    v.plan.kind = kind;
    v.plan.root = 2;
    ExpectInvalid(v.plan, "root out of range");
  }
  for (CollectiveKind kind :
       {CollectiveKind::kAllGatherV, CollectiveKind::kReduceScatterV}) {
    ValidPlan v;
    v.plan.kind = kind;
    v.plan.counts = {4};
    ExpectInvalid(v.plan, "counts size");
  }
  {
    ValidPlan v;
    v.plan.kind = CollectiveKind::kSend;
    v.plan.ranks.push_back(v.plan.ranks[0]);
    ExpectInvalid(v.plan, "send with 3 ranks");
    v.plan.ranks.resize(1);
    ExpectInvalid(v.plan, "send with 1 rank");
  }
  {
    ValidPlan v;
    v.plan.kind = CollectiveKind::kRecv;
    ExpectInvalid(v.plan, "recv");
  }
  {
    ValidPlan v;
    v.plan.dtype = static_cast<DataType>(42);
    ExpectInvalid(v.plan, "unknown dtype");
  }
  {
    ValidPlan v;
    v.plan.kind = CollectiveKind::kAllReduce;
    v.plan.op = static_cast<ReduceOp>(42);
    ExpectInvalid(v.plan, "unknown op");
  }
  {
    ValidPlan v;
    v.plan.kind = static_cast<CollectiveKind>(99);
    ExpectInvalid(v.plan, "unknown kind");
  }
  {
    ValidPlan v;
    v.plan.ranks[1].in = nullptr;
    ExpectInvalid(v.plan, "null input");
  }
  {
    ValidPlan v;
    v.plan.ranks[0].out_count = 7;
    ExpectInvalid(v.plan, "output too small");
    CHECK(v.out0 == std::vector<float>(8, 0.0f));  // nothing written
  }
  {
    ValidPlan v;
    v.plan.count = uint64_t{1} << 62;
    v.plan.ranks[0].in_count = v.plan.ranks[1].in_count = uint64_t{1} << 62;
    v.plan.ranks[0].out_count = v.plan.ranks[1].out_count = ~uint64_t{0};
    ExpectInvalid(v.plan, "size overflow");
  }
  {
    ValidPlan v;
    v.plan.kind = CollectiveKind::kAllToAllV;
    v.plan.ranks[0].send_counts = {2, 2};
    v.plan.ranks[0].recv_counts = {2, 2};
    v.plan.ranks[1].send_counts = {2, 2};
    v.plan.ranks[1].recv_counts = {3, 1};  // rank 0 sends 2, not 3
    ExpectInvalid(v.plan, "all_to_all_v counts disagree");
    v.plan.ranks[1].recv_counts = {2};
    ExpectInvalid(v.plan, "all_to_all_v counts size");
  }
}

TEST_CASE("concurrent Execute calls on disjoint memory all complete correctly",
          "[engine][host][concurrency]") {
  HostEngineOptions options;
  options.threads = 3;
  options.parallel_threshold_bytes = 64 * 1024;
  const auto engine = MakeHostEngine(options);
  constexpr int kCallers = 4;
  constexpr int kRounds = 15;
  const CollectiveKind kinds[kCallers] = {
      CollectiveKind::kAllReduce, CollectiveKind::kReduceScatter,
      CollectiveKind::kAllGather, CollectiveKind::kAllToAll};
  std::vector<std::string> errors(kCallers);
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      // Out of place, so re-running an op must reproduce the same outputs.
      // Large ops fan out to the pool; small ones stay on the caller.
      CaseRun large(Case{kinds[t], DataType::kFloat32, ReduceOp::kSum, 4, 40'000,
                         Placement::kSeparate, 0});
      CaseRun small(Case{kinds[t], DataType::kInt32, ReduceOp::kMax, 3, 333,
                         Placement::kSeparate, 0});
      for (int i = 0; i < kRounds && errors[t].empty(); ++i) {
        for (CaseRun* run : {&large, &small}) {
          const Status status = engine->Execute(run->plan());
          errors[t] = status.ok() ? run->Verify() : status.ToString();
          if (!errors[t].empty()) break;
        }
      }
    });
  }
  for (std::thread& t : callers) t.join();
  for (int t = 0; t < kCallers; ++t) {
    INFO("caller " << t << " (" << CollectiveName(kinds[t]) << ")");
    CHECK(errors[t] == "");
  }
}

TEST_CASE("the engine names itself", "[engine][host]") {
  CHECK(MakeHostEngine(HostEngineOptions{})->Name() == "host");
}

}  // namespace
}  // namespace ccs::testing
