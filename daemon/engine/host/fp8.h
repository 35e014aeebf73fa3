// 8-bit floats: conversions between float32 and the two OCP FP8 formats
// (NCCL's ncclFloat8e4m3 and ncclFloat8e5m2).
//
// Values travel as their raw bits (uint8_t). Formats:
// - e4m3 ("e4m3fn"): 1 sign, 4 exponent (bias 7), 3 mantissa bits; no
//   infinities; 0x7F and 0xFF are the only NaNs; max finite 448 (0x7E),
//   smallest subnormal 2^-9.
// - e5m2: 1 sign, 5 exponent (bias 15), 2 mantissa bits; IEEE-like (the top
//   byte of a float16): 0x7C is +inf, 0x7D..0x7F NaN; max finite 57344
//   (0x7B), smallest subnormal 2^-16.
// Contract:
// - Widening (Float8E4m3ToFloat, Float8E5m2ToFloat) is exact for every
//   input: zeros keep their sign, subnormals become normal floats, e5m2
//   infinities stay infinite, NaNs stay NaN (e4m3: a quiet float NaN of the
//   same sign).
// - Narrowing (FloatToFloat8E4m3, FloatToFloat8E5m2) rounds to nearest, ties
//   to even, and produces subnormals (no flush to zero). Overflow: e4m3
//   saturates to +-448 (infinities too, as CUDA's __NV_SATFINITE does); e5m2
//   rounds to +-inf as IEEE does (from 61440 = 57344 + half an ulp up). NaN
//   becomes a NaN of the same sign (e4m3: 0x7F | sign; e5m2: 0x7E | sign).
// Branchless and inline like half.h, under the same assumptions (default
// floating-point environment). Thread-safe: pure functions.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>

#include "daemon/engine/host/half.h"

namespace ccs {
namespace fp8_detail {

// The magnitude bits (sign dropped) of |f| rounded to nearest even in a
// format with `kMantissa` mantissa bits and exponent bias `kBias`, before
// any overflow handling: finite results above the format's largest exponent
// come out as larger codes, which the callers clamp. `bits` is |f|'s float
// bits and must not be NaN.
template <uint32_t kMantissa, uint32_t kBias>
inline uint32_t RoundMagnitude(uint32_t bits) {
  constexpr uint32_t kShift = 23u - kMantissa;
  constexpr uint32_t kMinNormal = (127u + 1u - kBias) << 23;
  // Adding this float lines the format's subnormal unit up with the float's
  // last mantissa bit; the FPU rounds to nearest even (as in half.h).
  constexpr uint32_t kSubnormalMagic = ((127u - kBias) + kShift + 1u) << 23;
  const uint32_t subnormal =
      std::bit_cast<uint32_t>(std::bit_cast<float>(bits) +
                              std::bit_cast<float>(kSubnormalMagic)) -
      kSubnormalMagic;
  // Rebias the exponent and round the dropped mantissa bits; a carry moves
  // into the exponent, which is the right result.
  const uint32_t odd = (bits >> kShift) & 1u;
  const uint32_t normal =
      (bits + ((kBias - 127u) << 23) + ((1u << (kShift - 1u)) - 1u) + odd) >> kShift;
  return bits < kMinNormal ? subnormal : normal;
}

// `f` narrowed: NaN becomes `kNan`, magnitudes rounding past `kTop` become
// `kTop` (the format's largest finite value, or infinity), the sign kept.
template <uint32_t kMantissa, uint32_t kBias, uint32_t kNan, uint32_t kTop>
inline uint8_t Narrow(float f) {
  const uint32_t all = std::bit_cast<uint32_t>(f);
  const uint32_t sign = (all >> 24) & 0x80u;
  const uint32_t bits = all & 0x7fffffffu;
  const bool nan = bits > 0x7f800000u;
  const uint32_t magnitude =
      nan ? kNan : std::min(RoundMagnitude<kMantissa, kBias>(nan ? 0u : bits), kTop);
  return static_cast<uint8_t>(magnitude | sign);
}

}  // namespace fp8_detail

inline float Float8E4m3ToFloat(uint8_t b) {
  const uint32_t sign = static_cast<uint32_t>(b & 0x80u) << 24;
  const uint32_t magnitude = b & 0x7fu;
  // Normal: exponent and mantissa move up as one field, rebiased 7 -> 127.
  const uint32_t normal = (magnitude << 20) + ((127u - 7u) << 23);
  // Zero/subnormal: mantissa * 2^-9, exact in float.
  const uint32_t small = std::bit_cast<uint32_t>(
      static_cast<float>(static_cast<int32_t>(magnitude)) * 0x1p-9f);
  const uint32_t bits = magnitude == 0x7fu  ? 0x7fc00000u
                        : magnitude < 0x08u ? small
                                            : normal;
  return std::bit_cast<float>(bits | sign);
}

inline uint8_t FloatToFloat8E4m3(float f) {
  // Saturating: anything that rounds past 448 (0x7E) is 448; never 0x7F.
  return fp8_detail::Narrow<3, 7, /*nan=*/0x7fu, /*top=*/0x7eu>(f);
}

// e5m2 is the high byte of a float16, so widening is float16's.
inline float Float8E5m2ToFloat(uint8_t b) {
  return Float16ToFloat(static_cast<uint16_t>(static_cast<uint16_t>(b) << 8));
}

inline uint8_t FloatToFloat8E5m2(float f) {
  // Anything that rounds past 57344 (0x7B) is infinity (0x7C).
  return fp8_detail::Narrow<2, 15, /*nan=*/0x7eu, /*top=*/0x7cu>(f);
}

}  // namespace ccs
