#include "client/bench/element.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ccs::bench {
namespace {

template <typename T>
T Load(const void* data, uint64_t index) {
  T value;
  std::memcpy(&value, static_cast<const char*>(data) + index * sizeof(T), sizeof(T));
  return value;
}

template <typename T>
void Store(void* data, uint64_t index, T value) {
  std::memcpy(static_cast<char*>(data) + index * sizeof(T), &value, sizeof(T));
}

uint32_t FloatBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits;
}

float BitsFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

}  // namespace

uint16_t FloatToHalf(float value) {
  const uint32_t f = FloatBits(value);
  const uint16_t sign = static_cast<uint16_t>((f >> 16) & 0x8000);
  const uint32_t abs = f & 0x7fffffff;
  if (abs >= 0x7f800000) {  // inf or NaN
    return static_cast<uint16_t>(sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0));
  }
  if (abs >= 0x477ff000) return sign | 0x7c00;  // rounds past the largest half
  if (abs < 0x38800000) {                       // subnormal half (or zero)
    const uint32_t mantissa = (abs & 0x7fffff) | 0x800000;
    const int shift = 113 - static_cast<int>(abs >> 23) + 13;
    if (shift > 24) return sign;
    uint32_t half = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = ((abs >> 23) - 112) << 10 | ((abs >> 13) & 0x3ff);
  const uint32_t rest = abs & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) ++half;
  return static_cast<uint16_t>(sign | half);
}

float HalfToFloat(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0x1f) return BitsFloat(sign | 0x7f800000 | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0) return BitsFloat(sign);
    exponent = 113;  // normalise the subnormal
    while ((mantissa & 0x400) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    return BitsFloat(sign | (exponent << 23) | ((mantissa & 0x3ff) << 13));
  }
  return BitsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t FloatToBfloat16(float value) {
  const uint32_t f = FloatBits(value);
  if ((f & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((f >> 16) | 0x40);
  const uint32_t rounding = 0x7fff + ((f >> 16) & 1);
  return static_cast<uint16_t>((f + rounding) >> 16);
}

float Bfloat16ToFloat(uint16_t bits) {
  return BitsFloat(static_cast<uint32_t>(bits) << 16);
}

namespace {

// The two float8 formats' shapes: mantissa bits, exponent bias, the largest
// finite code and whether it has infinities (e5m2) or saturates (e4m3).
struct Float8Format {
  int mantissa;
  int bias;
  uint8_t max_code;
  bool ieee;
};

Float8Format FormatOf(DataType dtype) {
  return dtype == DataType::kFloat8E4m3 ? Float8Format{3, 7, 0x7e, false}
                                        : Float8Format{2, 15, 0x7b, true};
}

}  // namespace

float Float8ToFloat(uint8_t bits, DataType dtype) {
  const Float8Format fmt = FormatOf(dtype);
  const float sign = (bits & 0x80) ? -1.0f : 1.0f;
  const int magnitude = bits & 0x7f;
  const int exponent = magnitude >> fmt.mantissa;
  const int mantissa = magnitude & ((1 << fmt.mantissa) - 1);
  if (magnitude > fmt.max_code) {  // e4m3 0x7f; e5m2 0x7c inf, above it NaN
    return fmt.ieee && magnitude == 0x7c ? sign * INFINITY : NAN;
  }
  if (exponent == 0) {
    return sign * std::ldexp(static_cast<float>(mantissa), 1 - fmt.bias - fmt.mantissa);
  }
  return sign * std::ldexp(static_cast<float>(mantissa + (1 << fmt.mantissa)),
                           exponent - fmt.bias - fmt.mantissa);
}

uint8_t FloatToFloat8(float value, DataType dtype) {
  const Float8Format fmt = FormatOf(dtype);
  const uint8_t sign = std::signbit(value) ? 0x80 : 0;
  if (std::isnan(value)) return static_cast<uint8_t>(sign | (fmt.ieee ? 0x7e : 0x7f));
  const float x = std::fabs(value);
  if (x > Float8ToFloat(fmt.max_code, dtype)) {
    // Past the largest finite value: e4m3 saturates; e5m2 rounds down to it
    // below the midpoint to the next power of two (61440), else to inf.
    const bool to_inf = fmt.ieee && x >= 61440.0f;
    return static_cast<uint8_t>(sign | (to_inf ? 0x7c : fmt.max_code));
  }
  // Round to nearest even in units of the spacing at x's exponent (at least
  // the subnormal spacing); a carry to the next binade encodes right too.
  const int min_exponent = 1 - fmt.bias;
  const int exponent = x == 0.0f ? min_exponent : std::max(std::ilogb(x), min_exponent);
  const int units =
      static_cast<int>(std::nearbyint(std::ldexp(x, fmt.mantissa - exponent)));
  const int biased = exponent + fmt.bias - 1;  // 0 for subnormals
  const int code = (biased << fmt.mantissa) + units;
  return static_cast<uint8_t>(sign | std::min(code, static_cast<int>(fmt.max_code)));
}

double ReadElement(const void* data, DataType dtype, uint64_t index) {
  switch (dtype) {
    case DataType::kInt8:
      return Load<int8_t>(data, index);
    case DataType::kUint8:
      return Load<uint8_t>(data, index);
    case DataType::kInt32:
      return Load<int32_t>(data, index);
    case DataType::kInt64:
      return static_cast<double>(Load<int64_t>(data, index));
    case DataType::kFloat16:
      return HalfToFloat(Load<uint16_t>(data, index));
    case DataType::kBfloat16:
      return Bfloat16ToFloat(Load<uint16_t>(data, index));
    case DataType::kFloat32:
      return Load<float>(data, index);
    case DataType::kFloat64:
      return Load<double>(data, index);
    case DataType::kUint32:
      return Load<uint32_t>(data, index);
    case DataType::kUint64:
      return static_cast<double>(Load<uint64_t>(data, index));
    case DataType::kFloat8E4m3:
    case DataType::kFloat8E5m2:
      return Float8ToFloat(Load<uint8_t>(data, index), dtype);
  }
  return 0;
}

void WriteElement(void* data, DataType dtype, uint64_t index, double value) {
  switch (dtype) {
    case DataType::kInt8:
      Store(data, index, static_cast<int8_t>(value));
      break;
    case DataType::kUint8:
      Store(data, index, static_cast<uint8_t>(value));
      break;
    case DataType::kInt32:
      Store(data, index, static_cast<int32_t>(value));
      break;
    case DataType::kInt64:
      Store(data, index, static_cast<int64_t>(value));
      break;
    case DataType::kFloat16:
      Store(data, index, FloatToHalf(static_cast<float>(value)));
      break;
    case DataType::kBfloat16:
      Store(data, index, FloatToBfloat16(static_cast<float>(value)));
      break;
    case DataType::kFloat32:
      Store(data, index, static_cast<float>(value));
      break;
    case DataType::kFloat64:
      Store(data, index, value);
      break;
    case DataType::kUint32:
      Store(data, index, static_cast<uint32_t>(value));
      break;
    case DataType::kUint64:
      Store(data, index, static_cast<uint64_t>(value));
      break;
    case DataType::kFloat8E4m3:
    case DataType::kFloat8E5m2:
      Store(data, index, FloatToFloat8(static_cast<float>(value), dtype));
      break;
  }
}

}  // namespace ccs::bench
