// Reading and writing one element of any ccs DataType as a double.
#pragma once

#include <cstdint>

#include "ccs/types.h"

namespace ccs::bench {

// IEEE half and bfloat16 conversions, round to nearest even.
uint16_t FloatToHalf(float value);
float HalfToFloat(uint16_t bits);
uint16_t FloatToBfloat16(float value);
float Bfloat16ToFloat(uint16_t bits);
// OCP float8 (`dtype` kFloat8E4m3 or kFloat8E5m2), round to nearest even;
// overflow: e4m3 saturates to +-448, e5m2 becomes +-inf.
uint8_t FloatToFloat8(float value, DataType dtype);
float Float8ToFloat(uint8_t bits, DataType dtype);

// Element `index` of an array of `dtype` at `data`. Integer types convert
// exactly for the small values ccs-bench uses.
double ReadElement(const void* data, DataType dtype, uint64_t index);
void WriteElement(void* data, DataType dtype, uint64_t index, double value);

}  // namespace ccs::bench
