// Element values of the GPU collectives test: typed inputs drawn from
// (seed, case, rank, index) and the reference reduction. Elements are
// encoded and shown by the integration worker's codec (worker/dtype_codec.h).
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

#include "ccs/types.h"

namespace ccs::gputest {

// Input element `i` of rank `rank` in the case seeded `seed`; exactly
// representable in `dtype`.
double InputValue(DataType dtype, ReduceOp op, uint64_t seed, uint32_t rank, uint64_t i);

// Reduces `n` inputs (in rank order) the way the daemon must, and encodes
// the result at dst (worker/dtype_codec.h's EncodeDouble): floats
// accumulate in float32 (16-bit floats widened) and round once; avg divides
// the float32 sum by n (integers: truncating division of the exact sum).
void EncodeReduced(DataType dtype, ReduceOp op, const double* inputs, uint32_t n,
                   uint8_t* dst);

}  // namespace ccs::gputest
