// 16-bit floats: conversions between float32 and IEEE float16 / bfloat16.
//
// Values of the 16-bit types travel as their raw bits (uint16_t). Contract:
// - Widening (Float16ToFloat, Bfloat16ToFloat) is exact for every input:
//   zeros keep their sign, subnormals become normal floats, infinities stay
//   infinite, NaNs stay NaN (payload kept in the high mantissa bits).
// - Narrowing (FloatToFloat16, FloatToBfloat16) rounds to nearest, ties to
//   even; values too large for float16 become +-inf; float16 subnormals are
//   produced (no flush to zero); NaN becomes a quiet NaN of the same sign
//   (float16: canonical 0x7e00 | sign; bfloat16: high bits kept, quiet bit
//   set).
// The scalar functions are branchless and inline so loops over arrays
// vectorise; they assume the default floating-point environment (round to
// nearest, no flush-to-zero). Thread-safe: pure functions.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace ccs {

inline float Float16ToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t magnitude = h & 0x7fffu;
  // Normal: rebias the exponent (15 -> 127). Inf/NaN: all exponent bits set.
  const uint32_t is_inf_nan = 0u - static_cast<uint32_t>(magnitude >= 0x7c00u);
  const uint32_t normal =
      ((magnitude << 13) + ((127u - 15u) << 23)) | (is_inf_nan & (255u << 23));
  // Zero/subnormal: mantissa * 2^-24, exact in float.
  const uint32_t is_small = 0u - static_cast<uint32_t>(magnitude < 0x400u);
  const uint32_t small = std::bit_cast<uint32_t>(
      static_cast<float>(static_cast<int32_t>(magnitude)) * 0x1p-24f);
  return std::bit_cast<float>(((is_small & small) | (~is_small & normal)) | sign);
}

inline uint16_t FloatToFloat16(float f) {
  constexpr uint32_t kF16Overflow = (127u + 16u) << 23;   // 65536: rounds to inf
  constexpr uint32_t kF16MinNormal = (127u - 14u) << 23;  // 2^-14
  // Adding 2^-1 aligns the float16 subnormal mantissa to the float's low
  // bits; the FPU rounds to nearest even for us.
  constexpr uint32_t kSubnormalMagic = ((127u - 15u) + (23u - 10u) + 1u) << 23;
  uint32_t bits = std::bit_cast<uint32_t>(f);
  const uint32_t sign = (bits >> 16) & 0x8000u;
  bits &= 0x7fffffffu;
  const uint32_t inf_nan =
      0x7c00u | ((0u - static_cast<uint32_t>(bits > 0x7f800000u)) & 0x200u);
  const uint32_t subnormal =
      std::bit_cast<uint32_t>(std::bit_cast<float>(bits) +
                              std::bit_cast<float>(kSubnormalMagic)) -
      kSubnormalMagic;
  const uint32_t mantissa_odd = (bits >> 13) & 1u;
  const uint32_t normal = (bits + ((15u - 127u) << 23) + 0xfffu + mantissa_odd) >> 13;
  const uint32_t is_big = 0u - static_cast<uint32_t>(bits >= kF16Overflow);
  const uint32_t is_small = 0u - static_cast<uint32_t>(bits < kF16MinNormal);
  const uint32_t magnitude =
      (is_big & inf_nan) | (~is_big & ((is_small & subnormal) | (~is_small & normal)));
  return static_cast<uint16_t>(magnitude | sign);
}

inline float Bfloat16ToFloat(uint16_t b) {
  return std::bit_cast<float>(static_cast<uint32_t>(b) << 16);
}

inline uint16_t FloatToBfloat16(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const uint32_t is_nan = 0u - static_cast<uint32_t>((bits & 0x7fffffffu) > 0x7f800000u);
  const uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
  const uint32_t quiet_nan = (bits >> 16) | 0x40u;
  return static_cast<uint16_t>((is_nan & quiet_nan) | (~is_nan & rounded));
}

// Array forms of the above: out[i] = Convert(in[i]) for i < n. `in` and `out`
// must not overlap.
void Float16ToFloat(const uint16_t* in, float* out, size_t n);
void FloatToFloat16(const float* in, uint16_t* out, size_t n);
void Bfloat16ToFloat(const uint16_t* in, float* out, size_t n);
void FloatToBfloat16(const float* in, uint16_t* out, size_t n);

}  // namespace ccs
