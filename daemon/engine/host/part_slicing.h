// Splitting one op's ranges into the parts that ThreadPool::ParallelFor runs.
//
// Every collective of the host engine runs as `parts` parts; part p takes
// slice p of every range the op moves, so parts touch disjoint memory and
// any order, or concurrency, of parts completes the op.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ccs::host {

struct Range {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - begin; }
};

// Slice `part` of `parts` (part < parts) of [0, len): contiguous, disjoint
// from the other slices, all slices together cover [0, len); inner
// boundaries fall on multiples of `align` (> 0) so parts do not share cache
// lines.
Range SliceOf(uint64_t len, size_t part, size_t parts, uint64_t align);

// Copies slice `part` of `parts` of the `bytes` bytes at `src` to `dst`
// (memmove semantics within the slice). Does nothing when src == dst, so
// in-place layouts cost nothing.
void CopySlice(std::byte* dst, const std::byte* src, uint64_t bytes, size_t part,
               size_t parts);

}  // namespace ccs::host
