#include "tests/gpu/collectives/values.h"

#include "worker/collective_reference.h"
#include "worker/dtype_codec.h"

namespace ccs::gputest {
namespace {

// Uniform integer in [lo, hi].
int64_t Uniform(uint64_t h, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(h % static_cast<uint64_t>(hi - lo + 1));
}

// +-2^e * {1, 1.5} with e in {-1, 0, 1}.
double ProdFactor(uint64_t h) {
  static constexpr double kMagnitudes[] = {0.5, 0.75, 1.0, 1.5, 2.0, 3.0};
  const double m = kMagnitudes[h % 6];
  return (h >> 8) & 1 ? -m : m;
}

bool IsFloat(DataType t) {
  return t == DataType::kFloat32 || t == DataType::kFloat16 || t == DataType::kBfloat16;
}

// Mantissa step of sum/avg/min/max inputs of float type `t`, which lie in
// [-4, 4]: every sum of 8 such values is a multiple of it below 32, which
// fits float32 (2^-16: 21 bits) and is exact before the final rounding.
double FloatStep(DataType t) {
  switch (t) {
    case DataType::kFloat16:
      return 1.0 / 256;  // 11 significant bits at most in [-4, 4]
    case DataType::kBfloat16:
      return 1.0 / 32;  // 8 significant bits
    default:
      return 1.0 / 65536;
  }
}

double IntegerInput(DataType t, ReduceOp op, uint64_t h) {
  if (op == ReduceOp::kProd) {
    if (t == DataType::kUint8) return static_cast<double>(1 + (h & 1));  // 2^8 max
    static constexpr int kFactors[] = {-3, -2, -1, 1, 2, 3};
    return kFactors[h % 6];
  }
  const bool order_only = op == ReduceOp::kMin || op == ReduceOp::kMax;
  switch (t) {
    case DataType::kUint8:
      return static_cast<double>(order_only ? h % 256 : h % 32);
    case DataType::kInt64:
      return static_cast<double>(Uniform(h, -(int64_t{1} << 40), int64_t{1} << 40));
    default:  // int32 (and int8, not tested)
      return order_only ? static_cast<double>(Uniform(h, -(1 << 30), 1 << 30))
                        : static_cast<double>(Uniform(h, -100000, 100000));
  }
}

}  // namespace

double InputValue(DataType dtype, ReduceOp op, uint64_t seed, uint32_t rank, uint64_t i) {
  const uint64_t h = it::Mix(it::Mix(seed ^ (uint64_t{rank} << 48)) + i);
  if (!IsFloat(dtype)) return IntegerInput(dtype, op, h);
  if (op == ReduceOp::kProd) return ProdFactor(h);
  const double step = FloatStep(dtype);
  const auto steps = static_cast<int64_t>(4.0 / step);
  return static_cast<double>(Uniform(h, -steps, steps)) * step;
}

void EncodeReduced(DataType dtype, ReduceOp op, const double* inputs, uint32_t n,
                   uint8_t* dst) {
  if (IsFloat(dtype)) {
    auto acc = static_cast<float>(inputs[0]);
    for (uint32_t r = 1; r < n; ++r) {
      acc = it::ReduceStep(op, acc, static_cast<float>(inputs[r]));
    }
    if (op == ReduceOp::kAvg) acc /= static_cast<float>(n);
    return it::EncodeDouble(dtype, acc, dst);
  }
  auto acc = static_cast<int64_t>(inputs[0]);
  for (uint32_t r = 1; r < n; ++r) {
    acc = it::ReduceStep(op, acc, static_cast<int64_t>(inputs[r]));
  }
  if (op == ReduceOp::kAvg) acc /= static_cast<int64_t>(n);  // toward zero
  it::EncodeDouble(dtype, static_cast<double>(acc), dst);
}

}  // namespace ccs::gputest
