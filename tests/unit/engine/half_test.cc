// float16 / bfloat16 conversions against known bit patterns.
#include "daemon/engine/host/half.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace ccs {
namespace {

uint32_t Bits(float f) { return std::bit_cast<uint32_t>(f); }

TEST_CASE("float16 narrowing gives the IEEE bit patterns", "[half]") {
  CHECK(FloatToFloat16(1.0f) == 0x3C00);
  CHECK(FloatToFloat16(-2.5f) == 0xC100);
  CHECK(FloatToFloat16(65504.0f) == 0x7BFF);
  CHECK(FloatToFloat16(0.0f) == 0x0000);
  CHECK(FloatToFloat16(-0.0f) == 0x8000);
  CHECK(FloatToFloat16(0x1p-24f) == 0x0001);         // smallest subnormal
  CHECK(FloatToFloat16(1023 * 0x1p-24f) == 0x03FF);  // largest subnormal
  CHECK(FloatToFloat16(0x1p-14f) == 0x0400);         // smallest normal
  CHECK(FloatToFloat16(std::numeric_limits<float>::infinity()) == 0x7C00);
  CHECK(FloatToFloat16(-std::numeric_limits<float>::infinity()) == 0xFC00);
  CHECK(FloatToFloat16(1e6f) == 0x7C00);
  CHECK(FloatToFloat16(-1e6f) == 0xFC00);
  CHECK(FloatToFloat16(std::numeric_limits<float>::quiet_NaN()) == 0x7E00);
  CHECK(FloatToFloat16(std::bit_cast<float>(0x7F800001u)) == 0x7E00);  // signalling
  CHECK(FloatToFloat16(std::bit_cast<float>(0xFFC00000u)) == 0xFE00);  // negative NaN
}

TEST_CASE("float16 narrowing rounds to nearest, ties to even", "[half]") {
  CHECK(FloatToFloat16(1.0f + 0x1p-11f) == 0x3C00);             // tie, down to even
  CHECK(FloatToFloat16(1.0f + 3 * 0x1p-11f) == 0x3C02);         // tie, up to even
  CHECK(FloatToFloat16(1.0f + 0x1p-11f + 0x1p-20f) == 0x3C01);  // above the tie
  CHECK(FloatToFloat16(65519.0f) == 0x7BFF);                    // below the tie
  CHECK(FloatToFloat16(65520.0f) == 0x7C00);                    // tie rounds to inf
  CHECK(FloatToFloat16(0x1p-25f) == 0x0000);      // subnormal tie, to even 0
  CHECK(FloatToFloat16(3 * 0x1p-25f) == 0x0002);  // subnormal tie, to even 2
  CHECK(FloatToFloat16(0x1p-26f) == 0x0000);
  CHECK(FloatToFloat16(1023.5f * 0x1p-24f) == 0x0400);  // rounds up into normals
}

TEST_CASE("float16 widening is exact", "[half]") {
  CHECK(Float16ToFloat(0x3C00) == 1.0f);
  CHECK(Float16ToFloat(0xC100) == -2.5f);
  CHECK(Float16ToFloat(0x7BFF) == 65504.0f);
  CHECK(Float16ToFloat(0x0001) == 0x1p-24f);
  CHECK(Float16ToFloat(0x03FF) == 1023 * 0x1p-24f);
  CHECK(Float16ToFloat(0x0400) == 0x1p-14f);
  CHECK(Bits(Float16ToFloat(0x8000)) == 0x80000000u);
  CHECK(Float16ToFloat(0x7C00) == std::numeric_limits<float>::infinity());
  CHECK(Float16ToFloat(0xFC00) == -std::numeric_limits<float>::infinity());
  CHECK(std::isnan(Float16ToFloat(0x7E00)));
  CHECK(std::isnan(Float16ToFloat(0x7C01)));
}

TEST_CASE("every float16 survives widening and narrowing", "[half]") {
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    const uint16_t bits = static_cast<uint16_t>(h);
    const float f = Float16ToFloat(bits);
    const bool nan = (bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0;
    if (nan) {
      if (!std::isnan(f) || (FloatToFloat16(f) & 0x7E00) != 0x7E00) FAIL("NaN " << h);
    } else if (FloatToFloat16(f) != bits) {
      FAIL("float16 0x" << std::hex << h << " came back as 0x" << FloatToFloat16(f));
    }
  }
}

TEST_CASE("bfloat16 conversions give the expected bit patterns", "[half]") {
  CHECK(FloatToBfloat16(1.0f) == 0x3F80);
  CHECK(FloatToBfloat16(-2.5f) == 0xC020);
  CHECK(FloatToBfloat16(-0.0f) == 0x8000);
  CHECK(FloatToBfloat16(1.0f + 0x1p-8f) == 0x3F80);      // tie, down to even
  CHECK(FloatToBfloat16(1.0f + 3 * 0x1p-8f) == 0x3F82);  // tie, up to even
  CHECK(FloatToBfloat16(std::numeric_limits<float>::max()) == 0x7F80);  // rounds to inf
  CHECK(FloatToBfloat16(std::numeric_limits<float>::infinity()) == 0x7F80);
  CHECK(FloatToBfloat16(0x1p-133f) == 0x0001);  // smallest subnormal
  CHECK(FloatToBfloat16(std::bit_cast<float>(0x7F800001u)) == 0x7FC0);  // sNaN stays NaN
  CHECK(FloatToBfloat16(std::bit_cast<float>(0xFFC00000u)) == 0xFFC0);
  CHECK(Bfloat16ToFloat(0x3F80) == 1.0f);
  CHECK(Bfloat16ToFloat(0xC020) == -2.5f);
  CHECK(Bfloat16ToFloat(0x0001) == 0x1p-133f);
  CHECK(Bfloat16ToFloat(0x7F80) == std::numeric_limits<float>::infinity());
  CHECK(std::isnan(Bfloat16ToFloat(0x7FC0)));
}

TEST_CASE("every bfloat16 survives widening and narrowing", "[half]") {
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    const uint16_t bits = static_cast<uint16_t>(h);
    const float f = Bfloat16ToFloat(bits);
    const bool nan = (bits & 0x7F80) == 0x7F80 && (bits & 0x007F) != 0;
    const uint16_t back = FloatToBfloat16(f);
    if (nan ? (back & 0x7FC0) != 0x7FC0 : back != bits) FAIL("bfloat16 " << h);
  }
}

TEST_CASE("array conversions match the scalar ones", "[half]") {
  std::vector<float> in = {1.0f, -2.5f, 65504.0f, 0x1p-24f, 1.0f + 3 * 0x1p-11f, 1e6f};
  std::vector<uint16_t> half(in.size()), bf(in.size());
  std::vector<float> back(in.size());
  FloatToFloat16(in.data(), half.data(), in.size());
  FloatToBfloat16(in.data(), bf.data(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    CHECK(half[i] == FloatToFloat16(in[i]));
    CHECK(bf[i] == FloatToBfloat16(in[i]));
  }
  Float16ToFloat(half.data(), back.data(), half.size());
  for (size_t i = 0; i < in.size(); ++i) CHECK(back[i] == Float16ToFloat(half[i]));
  Bfloat16ToFloat(bf.data(), back.data(), bf.size());
  for (size_t i = 0; i < in.size(); ++i) CHECK(back[i] == Bfloat16ToFloat(bf[i]));
}

}  // namespace
}  // namespace ccs
