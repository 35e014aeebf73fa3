// Element values of the GPU collectives test: typed inputs drawn from
// (seed, case, rank, index), their encoding, and the reference reduction.
//
// Inputs are random but structured so that every result is exact and
// independent of the order of accumulation as long as it accumulates in at
// least float32 (16-bit floats: widened to float32, reduced in rank order
// 0..N-1, rounded once to nearest even, as the daemon's kernels do):
// - sum/avg of floats: multiples of a power of two small enough that every
//   partial sum of up to 8 ranks fits float32's mantissa;
// - prod of floats: +-2^e * {1, 1.5}, so a product of 8 needs 13 bits;
// - integers: small enough that no sum or product of 8 ranks overflows.
// An implementation that rounds partial sums to 16 bits fails on purpose.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "ccs/types.h"

namespace ccs::gputest {

// Input element `i` of rank `rank` in the case seeded `seed`; exactly
// representable in `dtype`.
double InputValue(DataType dtype, ReduceOp op, uint64_t seed, uint32_t rank, uint64_t i);

// Writes `v` (exactly representable, see above) as one element of `dtype`.
void Encode(DataType dtype, double v, uint8_t* dst);
// Reads one element of `dtype`.
double Decode(DataType dtype, const uint8_t* src);
// "1.5 (0x3e00)": the value and its raw bits, for failure reports.
std::string Show(DataType dtype, const uint8_t* src);

// Reduces `n` inputs (in rank order) the way the daemon must, and encodes
// the result at dst: floats accumulate in float32 (16-bit floats widened)
// and round once; avg divides the float32 sum by n (integers: truncating
// division of the exact sum).
void EncodeReduced(DataType dtype, ReduceOp op, const double* inputs, uint32_t n,
                   uint8_t* dst);

// A 64-bit mix of x (splitmix64's finaliser).
uint64_t Mix(uint64_t x);

}  // namespace ccs::gputest
