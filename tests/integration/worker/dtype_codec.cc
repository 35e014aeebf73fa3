#include "worker/dtype_codec.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace ccs::it {
namespace {

uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

float BitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

template <typename T>
void Store(T v, void* dst) {
  std::memcpy(dst, &v, sizeof(T));
}

template <typename T>
T Load(const void* src) {
  T v;
  std::memcpy(&v, src, sizeof(T));
  return v;
}

}  // namespace

uint16_t FloatToHalf(float f) {
  const uint32_t x = FloatBits(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t exp = (x >> 23) & 0xffu;
  uint32_t mant = x & 0x7fffffu;
  if (exp == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0u));
  const int e = static_cast<int>(exp) - 127 + 15;
  if (e >= 31) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow: inf
  if (e <= 0) {                                               // half subnormal
    if (e < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    const uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t m = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (m & 1u))) ++m;
    return static_cast<uint16_t>(sign | m);
  }
  uint32_t h = sign | (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // carry may reach inf: right
  return static_cast<uint16_t>(h);
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (static_cast<uint32_t>(h) & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t mant = h & 0x3ffu;
  if (exp == 0) {
    float v = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -v : v;
  }
  if (exp == 31) return BitsFloat(sign | 0x7f800000u | (mant << 13));
  return BitsFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

uint16_t FloatToBfloat16(float f) {
  const uint32_t x = FloatBits(f);
  if ((x & 0x7f800000u) == 0x7f800000u && (x & 0x7fffffu) != 0) {
    return static_cast<uint16_t>((x >> 16) | 0x40u);  // quiet NaN
  }
  const uint32_t rounded = x + 0x7fffu + ((x >> 16) & 1u);
  return static_cast<uint16_t>(rounded >> 16);
}

float Bfloat16ToFloat(uint16_t b) { return BitsFloat(static_cast<uint32_t>(b) << 16); }

// float8 by its definition: value = units * 2^(exponent - mantissa bits),
// rounded with nearbyint (ties to even in the default rounding mode).
float Float8ToFloat(uint8_t b, bool e4m3) {
  const int mbits = e4m3 ? 3 : 2, bias = e4m3 ? 7 : 15;
  const int mag = b & 0x7f, exp = mag >> mbits, mant = mag & ((1 << mbits) - 1);
  const float sign = (b & 0x80) ? -1.0f : 1.0f;
  if (e4m3 && mag == 0x7f) return NAN;
  if (!e4m3 && exp == 31) return mant ? NAN : sign * INFINITY;
  if (exp == 0) return sign * std::ldexp(static_cast<float>(mant), 1 - bias - mbits);
  return sign * std::ldexp(static_cast<float>(mant | (1 << mbits)), exp - bias - mbits);
}

uint8_t FloatToFloat8(float f, bool e4m3) {
  const int mbits = e4m3 ? 3 : 2, bias = e4m3 ? 7 : 15;
  const int max_code = e4m3 ? 0x7e : 0x7b;
  const uint8_t sign = std::signbit(f) ? 0x80 : 0;
  if (std::isnan(f)) return static_cast<uint8_t>(sign | (e4m3 ? 0x7f : 0x7e));
  const float x = std::fabs(f);
  const int min_exp = 1 - bias;
  const int e = x < std::ldexp(1.0f, min_exp) ? min_exp : std::ilogb(x);
  const float units =
      std::nearbyint(std::ldexp(x, mbits - e));  // may carry to 2^(mbits+1)
  const float rounded = std::ldexp(units, e - mbits);
  if (rounded > Float8ToFloat(static_cast<uint8_t>(max_code), e4m3)) {
    return static_cast<uint8_t>(sign | (e4m3 ? max_code : 0x7c));
  }
  // Subnormals (and the smallest normals) have biased exponent field 0 + carry.
  const int code = ((e - min_exp) << mbits) + static_cast<int>(units);
  return static_cast<uint8_t>(sign | code);
}

size_t ElemSize(DataType t) {
  switch (t) {
    case DataType::kInt8:
    case DataType::kUint8:
    case DataType::kFloat8E4m3:
    case DataType::kFloat8E5m2:
      return 1;
    case DataType::kFloat16:
    case DataType::kBfloat16:
      return 2;
    case DataType::kInt32:
    case DataType::kUint32:
    case DataType::kFloat32:
      return 4;
    case DataType::kInt64:
    case DataType::kUint64:
    case DataType::kFloat64:
      return 8;
  }
  return 0;
}

bool IsFloat(DataType t) {
  return t == DataType::kFloat16 || t == DataType::kBfloat16 || t == DataType::kFloat32 ||
         t == DataType::kFloat64 || t == DataType::kFloat8E4m3 ||
         t == DataType::kFloat8E5m2;
}

bool IsUnsigned(DataType t) {
  return t == DataType::kUint8 || t == DataType::kUint32 || t == DataType::kUint64;
}

namespace {

// `v` (exactly representable in `t`, or rounded to it) as one element.
template <typename V>
void Encode(DataType t, V v, void* dst) {
  switch (t) {
    case DataType::kInt8:
      return Store(static_cast<int8_t>(v), dst);
    case DataType::kUint8:
      return Store(static_cast<uint8_t>(v), dst);
    case DataType::kInt32:
      return Store(static_cast<int32_t>(v), dst);
    case DataType::kInt64:
      return Store(static_cast<int64_t>(v), dst);
    case DataType::kFloat16:
      return Store(FloatToHalf(static_cast<float>(v)), dst);
    case DataType::kBfloat16:
      return Store(FloatToBfloat16(static_cast<float>(v)), dst);
    case DataType::kFloat32:
      return Store(static_cast<float>(v), dst);
    case DataType::kFloat64:
      return Store(static_cast<double>(v), dst);
    case DataType::kUint32:
      return Store(static_cast<uint32_t>(v), dst);
    case DataType::kUint64:
      return Store(static_cast<uint64_t>(v), dst);
    case DataType::kFloat8E4m3:
    case DataType::kFloat8E5m2:
      return Store(FloatToFloat8(static_cast<float>(v), t == DataType::kFloat8E4m3), dst);
  }
}

}  // namespace

void EncodeInt(DataType t, int64_t v, void* dst) { Encode(t, v, dst); }

void EncodeDouble(DataType t, double v, void* dst) { Encode(t, v, dst); }

void EncodeAvg(DataType t, int64_t sum, uint32_t n, void* dst) {
  const float q32 = static_cast<float>(sum) / static_cast<float>(n);
  switch (t) {
    case DataType::kFloat16:
      return Store(FloatToHalf(q32), dst);
    case DataType::kBfloat16:
      return Store(FloatToBfloat16(q32), dst);
    case DataType::kFloat8E4m3:
    case DataType::kFloat8E5m2:
      return Store(FloatToFloat8(q32, t == DataType::kFloat8E4m3), dst);
    case DataType::kFloat32:
      return Store(q32, dst);
    case DataType::kFloat64:
      return Store(static_cast<double>(sum) / static_cast<double>(n), dst);
    default:
      return EncodeInt(t, sum / static_cast<int64_t>(n), dst);  // truncates toward 0
  }
}

std::string DecodeForDisplay(DataType t, const void* src) {
  char buf[96];
  switch (t) {
    case DataType::kInt8:
      return std::to_string(Load<int8_t>(src));
    case DataType::kUint8:
      return std::to_string(Load<uint8_t>(src));
    case DataType::kInt32:
      return std::to_string(Load<int32_t>(src));
    case DataType::kInt64:
      return std::to_string(Load<int64_t>(src));
    case DataType::kUint32:
      return std::to_string(Load<uint32_t>(src));
    case DataType::kUint64:
      return std::to_string(Load<uint64_t>(src));
    case DataType::kFloat8E4m3:
    case DataType::kFloat8E5m2: {
      uint8_t b = Load<uint8_t>(src);
      std::snprintf(buf, sizeof(buf), "%.9g (0x%02x)",
                    Float8ToFloat(b, t == DataType::kFloat8E4m3), b);
      return buf;
    }
    case DataType::kFloat16: {
      uint16_t h = Load<uint16_t>(src);
      std::snprintf(buf, sizeof(buf), "%.9g (0x%04x)", HalfToFloat(h), h);
      return buf;
    }
    case DataType::kBfloat16: {
      uint16_t b = Load<uint16_t>(src);
      std::snprintf(buf, sizeof(buf), "%.9g (0x%04x)", Bfloat16ToFloat(b), b);
      return buf;
    }
    case DataType::kFloat32: {
      float f = Load<float>(src);
      std::snprintf(buf, sizeof(buf), "%.9g (0x%08x)", f, FloatBits(f));
      return buf;
    }
    case DataType::kFloat64: {
      double d = Load<double>(src);
      uint64_t u;
      std::memcpy(&u, &d, 8);
      std::snprintf(buf, sizeof(buf), "%.17g (0x%016llx)", d,
                    static_cast<unsigned long long>(u));
      return buf;
    }
  }
  return "?";
}

std::string CodecSelfTest() {
  struct HalfCase {
    float f;
    uint16_t h;
  };
  const HalfCase half_cases[] = {
      {0.0f, 0x0000},         {1.0f, 0x3c00},          {-2.0f, 0xc000},
      {65504.0f, 0x7bff},     {65520.0f, 0x7c00},      {1.0f / 3.0f, 0x3555},
      {-8.0f / 3.0f, 0xc155}, {5.9604645e-8f, 0x0001}, {2.5f, 0x4100},
      {2049.0f, 0x6800},      {2051.0f, 0x6802},       {6.1035156e-5f, 0x0400}};
  std::string report;
  for (const auto& c : half_cases) {
    if (FloatToHalf(c.f) != c.h) {
      report +=
          "FloatToHalf(" + std::to_string(c.f) + ") != " + std::to_string(c.h) + "\n";
    }
    if (std::isfinite(HalfToFloat(c.h)) && FloatToHalf(HalfToFloat(c.h)) != c.h) {
      report += "half round trip of " + std::to_string(c.h) + " failed\n";
    }
  }
  const HalfCase bf_cases[] = {
      {1.0f, 0x3f80},   {-2.0f, 0xc000},       {3.0f, 0x4040},  {257.0f, 0x4380},
      {259.0f, 0x4382}, {1.0f / 3.0f, 0x3eab}, {-8.0f, 0xc100}, {-8.0f / 3.0f, 0xc02b}};
  for (const auto& c : bf_cases) {
    if (FloatToBfloat16(c.f) != c.h) {
      report +=
          "FloatToBfloat16(" + std::to_string(c.f) + ") != " + std::to_string(c.h) + "\n";
    }
    if (FloatToBfloat16(Bfloat16ToFloat(c.h)) != c.h) {
      report += "bf16 round trip of " + std::to_string(c.h) + " failed\n";
    }
  }
  struct Float8Case {
    float f;
    uint8_t e4m3, e5m2;
  };
  const Float8Case fp8_cases[] = {
      {1.0f, 0x38, 0x3c},           {-2.0f, 0xc0, 0xc0},    {448.0f, 0x7e, 0x5f},
      {1e6f, 0x7e, 0x7c},           {57344.0f, 0x7e, 0x7b}, {61440.0f, 0x7e, 0x7c},
      {17.0f, 0x58, 0x4c},          {0x1p-9f, 0x01, 0x18},  {0x1p-16f, 0x00, 0x01},
      {3.0f * 0x1p-10f, 0x02, 0x1a}};  // subnormal tie of e4m3 rounds to even
  for (const auto& c : fp8_cases) {
    if (FloatToFloat8(c.f, true) != c.e4m3 || FloatToFloat8(c.f, false) != c.e5m2) {
      report += "FloatToFloat8(" + std::to_string(c.f) + ") is wrong\n";
    }
  }
  for (int b = 0; b < 256; ++b) {
    const auto u = static_cast<uint8_t>(b);
    for (bool e4m3 : {true, false}) {
      const float f = Float8ToFloat(u, e4m3);
      if (!std::isnan(f) && FloatToFloat8(f, e4m3) != u) {
        report += "float8 round trip of " + std::to_string(b) + " failed\n";
      }
    }
  }
  for (int v = -300; v <= 300; ++v) {
    if (HalfToFloat(FloatToHalf(static_cast<float>(v))) != static_cast<float>(v)) {
      report += "half cannot hold " + std::to_string(v) + "\n";
    }
  }
  return report;
}

}  // namespace ccs::it
