#include "daemon/engine/host/half.h"

namespace ccs {

void Float16ToFloat(const uint16_t* __restrict in, float* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = Float16ToFloat(in[i]);
}

void FloatToFloat16(const float* __restrict in, uint16_t* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = FloatToFloat16(in[i]);
}

void Bfloat16ToFloat(const uint16_t* __restrict in, float* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = Bfloat16ToFloat(in[i]);
}

void FloatToBfloat16(const float* __restrict in, uint16_t* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = FloatToBfloat16(in[i]);
}

}  // namespace ccs
