// Element encoding for the reference results of ccs-test-rank (and of the
// GPU collectives test, tests/gpu/collectives), written
// independently of the daemon: IEEE float16, bfloat16 and the OCP float8
// formats with round-to-nearest-even, and plain integer types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ccs/types.h"

namespace ccs::it {

uint16_t FloatToHalf(float f);
float HalfToFloat(uint16_t h);
uint16_t FloatToBfloat16(float f);
float Bfloat16ToFloat(uint16_t b);
// float8 e4m3 (saturating to +-448, no inf) and e5m2 (overflow to +-inf).
uint8_t FloatToFloat8(float f, bool e4m3);
float Float8ToFloat(uint8_t b, bool e4m3);

// Bytes per element (same as ccs::DataTypeSize, kept local so the reference
// does not depend on the SDK's tables).
size_t ElemSize(DataType t);
bool IsFloat(DataType t);
bool IsUnsigned(DataType t);

// Writes integer `v` (exactly representable in `t`) at dst.
void EncodeInt(DataType t, int64_t v, void* dst);
// Writes `v` at dst: integer types truncate toward zero; float16, bfloat16,
// float8 and float32 round to nearest even (through float32), float64 is
// exact.
void EncodeDouble(DataType t, double v, void* dst);
// Writes the average of an integer sum over `n` ranks as the reference defines
// it: integer types truncate toward zero; float16/bfloat16/float8/float32
// divide in float32 and round once to the element type; float64 divides in
// double.
void EncodeAvg(DataType t, int64_t sum, uint32_t n, void* dst);
// Human-readable element value at src (for mismatch reports), with its raw
// bits for float types.
std::string DecodeForDisplay(DataType t, const void* src);

// Checks the conversions against known bit patterns; returns "" or a report.
std::string CodecSelfTest();

}  // namespace ccs::it
