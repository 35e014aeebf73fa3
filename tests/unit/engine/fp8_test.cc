// float8 e4m3 / e5m2 conversions: every bit pattern, known values, rounding
// and overflow.
#include "daemon/engine/host/fp8.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ccs {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

bool IsE4m3Nan(uint8_t b) { return (b & 0x7F) == 0x7F; }
bool IsE5m2Nan(uint8_t b) { return (b & 0x7C) == 0x7C && (b & 0x03) != 0; }

TEST_CASE("every e4m3 survives widening and narrowing", "[fp8]") {
  int nans = 0;
  for (uint32_t i = 0; i <= 0xFF; ++i) {
    const auto bits = static_cast<uint8_t>(i);
    const float f = Float8E4m3ToFloat(bits);
    if (IsE4m3Nan(bits)) {
      ++nans;
      if (!std::isnan(f) || FloatToFloat8E4m3(f) != bits)
        FAIL("e4m3 NaN 0x" << std::hex << i);
    } else if (std::isinf(f) || FloatToFloat8E4m3(f) != bits) {
      FAIL("e4m3 0x" << std::hex << i << " came back as 0x" << int{FloatToFloat8E4m3(f)});
    }
  }
  CHECK(nans == 2);  // 0x7F and 0xFF only: no infinities
}

TEST_CASE("every e5m2 survives widening and narrowing", "[fp8]") {
  for (uint32_t i = 0; i <= 0xFF; ++i) {
    const auto bits = static_cast<uint8_t>(i);
    const float f = Float8E5m2ToFloat(bits);
    if (IsE5m2Nan(bits)) {
      if (!std::isnan(f) || !IsE5m2Nan(FloatToFloat8E5m2(f)))
        FAIL("e5m2 NaN 0x" << std::hex << i);
    } else if (FloatToFloat8E5m2(f) != bits) {
      FAIL("e5m2 0x" << std::hex << i << " came back as 0x" << int{FloatToFloat8E5m2(f)});
    }
  }
}

TEST_CASE("widening gives the formats' values", "[fp8]") {
  CHECK(Float8E4m3ToFloat(0x38) == 1.0f);
  CHECK(Float8E4m3ToFloat(0xC0) == -2.0f);
  CHECK(Float8E4m3ToFloat(0x7E) == 448.0f);   // max finite
  CHECK(Float8E4m3ToFloat(0x7C) == 384.0f);   // exponent 15 is finite in e4m3
  CHECK(Float8E4m3ToFloat(0x01) == 0x1p-9f);  // smallest subnormal
  CHECK(Float8E4m3ToFloat(0x07) == 7 * 0x1p-9f);
  CHECK(Float8E4m3ToFloat(0x08) == 0x1p-6f);  // smallest normal
  CHECK(std::bit_cast<uint32_t>(Float8E4m3ToFloat(0x80)) == 0x80000000u);
  CHECK(std::isnan(Float8E4m3ToFloat(0x7F)));
  CHECK(std::signbit(Float8E4m3ToFloat(0xFF)));
  CHECK(Float8E5m2ToFloat(0x3C) == 1.0f);
  CHECK(Float8E5m2ToFloat(0xC0) == -2.0f);
  CHECK(Float8E5m2ToFloat(0x7B) == 57344.0f);  // max finite
  CHECK(Float8E5m2ToFloat(0x01) == 0x1p-16f);  // smallest subnormal
  CHECK(Float8E5m2ToFloat(0x04) == 0x1p-14f);  // smallest normal
  CHECK(Float8E5m2ToFloat(0x7C) == kInf);
  CHECK(Float8E5m2ToFloat(0xFC) == -kInf);
  CHECK(std::isnan(Float8E5m2ToFloat(0x7D)));
  CHECK(std::bit_cast<uint32_t>(Float8E5m2ToFloat(0x80)) == 0x80000000u);
}

TEST_CASE("narrowing rounds to nearest, ties to even", "[fp8]") {
  // e4m3: spacing 1/8 in [1, 2), 2 in [16, 32).
  CHECK(FloatToFloat8E4m3(1.0f + 0x1p-4f) == 0x38);             // tie, down to even
  CHECK(FloatToFloat8E4m3(1.0f + 3 * 0x1p-4f) == 0x3A);         // tie, up to even
  CHECK(FloatToFloat8E4m3(1.0f + 0x1p-4f + 0x1p-10f) == 0x39);  // above the tie
  CHECK(FloatToFloat8E4m3(17.0f) == 0x58);                      // 16
  CHECK(FloatToFloat8E4m3(19.0f) == 0x5A);                      // 20
  CHECK(FloatToFloat8E4m3(0x1p-10f) == 0x00);                   // subnormal tie, to 0
  CHECK(FloatToFloat8E4m3(3 * 0x1p-10f) == 0x02);               // subnormal tie, to 2
  CHECK(FloatToFloat8E4m3(-0x1p-11f) == 0x80);                  // underflow keeps sign
  CHECK(FloatToFloat8E4m3(15 * 0x1p-10f) == 0x08);              // rounds up into normals
  // e5m2: spacing 1/4 in [1, 2), 4 in [16, 32).
  CHECK(FloatToFloat8E5m2(1.0f + 0x1p-3f) == 0x3C);
  CHECK(FloatToFloat8E5m2(1.0f + 3 * 0x1p-3f) == 0x3E);
  CHECK(FloatToFloat8E5m2(18.0f) == 0x4C);  // tie: 16
  CHECK(FloatToFloat8E5m2(22.0f) == 0x4E);  // tie: 24
  CHECK(FloatToFloat8E5m2(0x1p-17f) == 0x00);
  CHECK(FloatToFloat8E5m2(3 * 0x1p-17f) == 0x02);
}

TEST_CASE("e4m3 saturates to 448 and keeps NaN", "[fp8]") {
  CHECK(FloatToFloat8E4m3(448.0f) == 0x7E);
  CHECK(FloatToFloat8E4m3(464.0f) == 0x7E);  // the tie would round to 480
  CHECK(FloatToFloat8E4m3(1e6f) == 0x7E);
  CHECK(FloatToFloat8E4m3(-1e6f) == 0xFE);
  CHECK(FloatToFloat8E4m3(kInf) == 0x7E);
  CHECK(FloatToFloat8E4m3(-kInf) == 0xFE);
  CHECK(FloatToFloat8E4m3(std::numeric_limits<float>::max()) == 0x7E);
  CHECK(FloatToFloat8E4m3(std::numeric_limits<float>::quiet_NaN()) == 0x7F);
  CHECK(FloatToFloat8E4m3(std::bit_cast<float>(0x7F800001u)) == 0x7F);  // signalling
  CHECK(FloatToFloat8E4m3(std::bit_cast<float>(0xFFC00000u)) == 0xFF);
}

TEST_CASE("e5m2 overflows to infinity and keeps NaN", "[fp8]") {
  CHECK(FloatToFloat8E5m2(57344.0f) == 0x7B);
  CHECK(FloatToFloat8E5m2(61439.0f) == 0x7B);  // below the tie
  CHECK(FloatToFloat8E5m2(61440.0f) == 0x7C);  // tie rounds to even: inf
  CHECK(FloatToFloat8E5m2(-1e6f) == 0xFC);
  CHECK(FloatToFloat8E5m2(kInf) == 0x7C);
  CHECK(FloatToFloat8E5m2(-kInf) == 0xFC);
  CHECK(IsE5m2Nan(FloatToFloat8E5m2(std::numeric_limits<float>::quiet_NaN())));
  CHECK(FloatToFloat8E5m2(std::bit_cast<float>(0xFFC00000u)) == 0xFE);
}

TEST_CASE("narrowing picks the nearest value over the whole float8 range", "[fp8]") {
  // Between consecutive finite values a and b: just above/below the midpoint.
  for (uint32_t i = 0; i < 0x7E; ++i) {
    const float a = Float8E4m3ToFloat(static_cast<uint8_t>(i));
    const float b = Float8E4m3ToFloat(static_cast<uint8_t>(i + 1));
    const float mid = (a + b) / 2;
    CHECK(FloatToFloat8E4m3(std::nextafter(mid, 0.0f)) == i);
    CHECK(FloatToFloat8E4m3(std::nextafter(mid, kInf)) == i + 1);
    CHECK(FloatToFloat8E4m3(mid) == ((i & 1) ? i + 1 : i));
  }
  for (uint32_t i = 0; i < 0x7B; ++i) {
    const float a = Float8E5m2ToFloat(static_cast<uint8_t>(i));
    const float b = Float8E5m2ToFloat(static_cast<uint8_t>(i + 1));
    const float mid = (a + b) / 2;
    CHECK(FloatToFloat8E5m2(std::nextafter(mid, 0.0f)) == i);
    CHECK(FloatToFloat8E5m2(std::nextafter(mid, kInf)) == i + 1);
    CHECK(FloatToFloat8E5m2(mid) == ((i & 1) ? i + 1 : i));
  }
}

}  // namespace
}  // namespace ccs
