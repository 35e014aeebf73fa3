#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "client/bench/element.h"
#include "client/bench/fill_check.h"

namespace ccs::bench {
namespace {

using Bytes = std::vector<unsigned char>;

double ReduceTwo(ReduceOp op, double a, double b) {
  switch (op) {
    case ReduceOp::kSum:
    case ReduceOp::kAvg:
      return a + b;
    case ReduceOp::kProd:
      return a * b;
    case ReduceOp::kMin:
      return std::min(a, b);
    case ReduceOp::kMax:
      return std::max(a, b);
  }
  return 0;
}

// A reference of the NCCL semantics on real buffers: what rank `rank`'s recv
// holds after the collective, given every rank's filled send buffer.
Bytes Reference(const CheckSpec& spec, const std::vector<Bytes>& sends) {
  const size_t elem = DataTypeSize(spec.dtype);
  const uint64_t c = spec.layout.count, n = spec.ranks, r = spec.rank;
  Bytes recv(spec.layout.recv_elems * elem, 0);
  auto reduce_at = [&](uint64_t index) {
    double acc = ReadElement(sends[0].data(), spec.dtype, index);
    for (uint64_t k = 1; k < n; ++k) {
      acc = ReduceTwo(spec.op, acc, ReadElement(sends[k].data(), spec.dtype, index));
    }
    return spec.op == ReduceOp::kAvg ? acc / static_cast<double>(n) : acc;
  };
  auto put = [&](uint64_t i, double v) { WriteElement(recv.data(), spec.dtype, i, v); };
  auto get = [&](uint64_t k, uint64_t i) {
    return ReadElement(sends[k].data(), spec.dtype, i);
  };
  for (uint64_t i = 0; i < spec.layout.recv_elems; ++i) {
    switch (spec.kind) {
      case CollectiveKind::kAllReduce:
      case CollectiveKind::kReduce:
        put(i, reduce_at(i));
        break;
      case CollectiveKind::kReduceScatter:
        put(i, reduce_at(r * c + i));
        break;
      case CollectiveKind::kAllGather:
      case CollectiveKind::kGather:
        put(i, get(i / c, i % c));
        break;
      case CollectiveKind::kBroadcast:
        put(i, get(spec.root, i));
        break;
      case CollectiveKind::kAllToAll:
        put(i, get(i / c, r * c + i % c));
        break;
      case CollectiveKind::kScatter:
        put(i, get(spec.root, r * c + i));
        break;
      default:
        break;
    }
  }
  return recv;
}

TEST_CASE(
    "the expected results match a reference run of every collective, dtype and "
    "op",
    "[bench]") {
  const std::vector<DataType> dtypes = {
      DataType::kInt8,    DataType::kUint8,      DataType::kInt32,
      DataType::kInt64,   DataType::kFloat16,    DataType::kBfloat16,
      DataType::kFloat32, DataType::kFloat64,    DataType::kUint32,
      DataType::kUint64,  DataType::kFloat8E4m3, DataType::kFloat8E5m2};
  for (CollectiveKind kind : BenchCollectives()) {
    for (DataType dtype : dtypes) {
      for (ReduceOp op : {ReduceOp::kSum, ReduceOp::kProd, ReduceOp::kMin, ReduceOp::kMax,
                          ReduceOp::kAvg}) {
        for (uint32_t ranks : {1u, 2u, 3u, 7u}) {
          const Layout layout = LayoutFor(kind, 1000, DataTypeSize(dtype), ranks);
          std::vector<Bytes> sends;
          for (uint32_t r = 0; r < ranks; ++r) {
            CheckSpec spec{kind, op, dtype, ranks, r, ranks - 1, layout};
            sends.emplace_back(layout.send_elems * DataTypeSize(dtype));
            FillSend(spec, sends.back().data());
          }
          for (uint32_t r = 0; r < ranks; ++r) {
            CheckSpec spec{kind, op, dtype, ranks, r, ranks - 1, layout};
            CAPTURE(CollectiveName(kind), DataTypeName(dtype), ReduceOpName(op), ranks,
                    r);
            REQUIRE(CountWrong(spec, Reference(spec, sends).data()) == 0);
          }
        }
      }
    }
  }
}

TEST_CASE(
    "a wrong element is counted, and an untouched NaN-filled buffer is all "
    "wrong",
    "[bench]") {
  const Layout layout = LayoutFor(CollectiveKind::kAllReduce, 64, 4, 4);
  CheckSpec spec{
      CollectiveKind::kAllReduce, ReduceOp::kSum, DataType::kFloat32, 4, 1, 0, layout};
  std::vector<Bytes> sends;
  for (uint32_t r = 0; r < 4; ++r) {
    CheckSpec s = spec;
    s.rank = r;
    sends.emplace_back(layout.send_elems * 4);
    FillSend(s, sends.back().data());
  }
  Bytes recv = Reference(spec, sends);
  WriteElement(recv.data(), DataType::kFloat32, 3, 1e6);
  REQUIRE(CountWrong(spec, recv.data()) == 1);
  std::fill(recv.begin(), recv.end(), 0xff);
  REQUIRE(CountWrong(spec, recv.data()) == layout.recv_elems);
}

TEST_CASE("non-root ranks of reduce and gather are not checked", "[bench]") {
  const Layout layout = LayoutFor(CollectiveKind::kGather, 64, 4, 4);
  CheckSpec spec{
      CollectiveKind::kGather, ReduceOp::kSum, DataType::kFloat32, 4, 2, 0, layout};
  Bytes garbage(layout.recv_elems * 4, 0xff);
  REQUIRE(CountWrong(spec, garbage.data()) == 0);
  spec.rank = 0;
  REQUIRE(CountWrong(spec, garbage.data()) == layout.recv_elems);
}

TEST_CASE(
    "half and bfloat16 conversions are exact for small integers and round to "
    "nearest even",
    "[bench]") {
  for (int i = -2048; i <= 2048; ++i) {
    REQUIRE(HalfToFloat(FloatToHalf(static_cast<float>(i))) == static_cast<float>(i));
  }
  for (int i = -256; i <= 256; ++i) {
    REQUIRE(Bfloat16ToFloat(FloatToBfloat16(static_cast<float>(i))) ==
            static_cast<float>(i));
  }
  REQUIRE(FloatToHalf(1.0f) == 0x3c00);
  REQUIRE(FloatToHalf(65504.0f) == 0x7bff);
  REQUIRE(FloatToHalf(1e6f) == 0x7c00);                   // overflow -> inf
  REQUIRE(HalfToFloat(0x0001) == std::ldexp(1.0f, -24));  // smallest subnormal
  REQUIRE(FloatToHalf(std::ldexp(1.0f, -24)) == 0x0001);
  REQUIRE(FloatToHalf(2049.0f) == FloatToHalf(2048.0f));  // tie to even
  REQUIRE(std::isnan(HalfToFloat(0xffff)));
  REQUIRE(FloatToBfloat16(1.0f) == 0x3f80);
  REQUIRE(std::isnan(Bfloat16ToFloat(0xffff)));
}

TEST_CASE("float8 conversions round trip, round to nearest even and handle overflow",
          "[bench]") {
  for (DataType t : {DataType::kFloat8E4m3, DataType::kFloat8E5m2}) {
    for (int b = 0; b < 256; ++b) {
      const auto bits = static_cast<uint8_t>(b);
      const float f = Float8ToFloat(bits, t);
      if (!std::isnan(f)) REQUIRE(FloatToFloat8(f, t) == bits);
    }
  }
  const DataType e4m3 = DataType::kFloat8E4m3, e5m2 = DataType::kFloat8E5m2;
  REQUIRE(FloatToFloat8(1.0f, e4m3) == 0x38);
  REQUIRE(FloatToFloat8(17.0f, e4m3) == 0x58);  // tie to even: 16
  REQUIRE(FloatToFloat8(19.0f, e4m3) == 0x5a);  // tie to even: 20
  REQUIRE(FloatToFloat8(1e6f, e4m3) == 0x7e);   // saturates at 448
  REQUIRE(std::isnan(Float8ToFloat(0x7f, e4m3)));
  REQUIRE(FloatToFloat8(1.0f, e5m2) == 0x3c);
  REQUIRE(FloatToFloat8(61440.0f, e5m2) == 0x7c);  // rounds to inf
  REQUIRE(FloatToFloat8(61439.0f, e5m2) == 0x7b);
  REQUIRE(std::isinf(Float8ToFloat(0xfc, e5m2)));
  REQUIRE(Float8ToFloat(0x01, e5m2) == std::ldexp(1.0f, -16));
}

}  // namespace
}  // namespace ccs::bench
