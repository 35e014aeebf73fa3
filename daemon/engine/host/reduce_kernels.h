// Typed element-wise reductions over one chunk of elements.
//
// A reduction of N ranks over a chunk of n elements is driven by the caller
// in three steps, in rank order so results are deterministic:
//   load(acc, in[0], n); accumulate(acc, in[s], n) for s = 1..N-1;
//   store(acc, n, N, out).
// The accumulator holds float for float16/bfloat16/float8 and the element
// type otherwise; it must be a caller-owned array of n * acc_size bytes aligned to
// 64 bytes that aliases nothing else. Sources and destinations may be
// unaligned and may alias each other (store may overwrite a source already
// consumed), never the accumulator.
// Semantics: integer sum/prod wrap modulo 2^bits; min/max compare with `<`
// (a NaN in the accumulator is replaced by the next rank's value, a NaN
// from a later rank is dropped); avg stores sum / N (integers: truncating
// division of the wrapped sum; floats: division in the accumulator type);
// 16- and 8-bit floats are rounded to nearest even once, in store (float8
// e4m3 saturates to +-448, e5m2 overflows to +-inf: fp8.h).
// Thread-safe: the kernels are pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "daemon/core/types.h"

namespace ccs::host {

struct ReduceKernel {
  size_t elem_size = 0;  // bytes per element in memory
  size_t acc_size = 0;   // bytes per accumulator element
  // acc[i] = in[i] widened to the accumulator type.
  void (*load)(void* acc, const std::byte* in, size_t n) = nullptr;
  // acc[i] = op(acc[i], in[i]).
  void (*accumulate)(void* acc, const std::byte* in, size_t n) = nullptr;
  // out[i] = acc[i] (avg: divided by nranks), narrowed to the element type.
  void (*store)(const void* acc, size_t n, uint32_t nranks, std::byte* out) = nullptr;
};

// The kernel for `dtype` and `op`, valid for the program's lifetime; nullptr
// when either value is not a known enumerator.
const ReduceKernel* FindReduceKernel(DataType dtype, ReduceOp op);

// Whole-buffer steps for callers that reduce two buffers at a time (the
// network step between nodes), through a per-thread accumulator:
// out[i] = op(a[i], b[i]) for n elements (`kernel`'s op; avg is not divided),
// out may alias a or b.
void ReducePair(const ReduceKernel& kernel, std::byte* out, const std::byte* a,
                const std::byte* b, size_t n);
// p[i] = p[i] / nranks for n elements of `dtype`, by the avg rule above.
void DivideInPlace(DataType dtype, std::byte* p, size_t n, uint32_t nranks);

}  // namespace ccs::host
