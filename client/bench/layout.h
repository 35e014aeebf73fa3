// What one benchmarked collective moves at one size, in nccl-tests' terms.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "ccs/types.h"
#include "client/bench/options.h"

namespace ccs::bench {

// The collectives ccs-bench measures (`-c all`), in the order it runs them.
const std::vector<CollectiveKind>& BenchCollectives();
bool IsBenchCollective(CollectiveKind kind);
bool IsReduction(CollectiveKind kind);

// Buffers of one rank for one call. Counts are in elements.
struct Layout {
  uint64_t count = 0;       // the call's `count` (per-rank block)
  uint64_t send_elems = 0;  // elements of the send buffer the call reads
  uint64_t recv_elems = 0;  // elements of the recv buffer the call writes
  // nccl-tests' "size": bytes of the largest per-rank buffer.
  uint64_t size_bytes = 0;
};

// The layout closest to `size_bytes` (rounded down to whole blocks, at least
// one element per block) for `ranks` ranks.
Layout LayoutFor(CollectiveKind kind, uint64_t size_bytes, size_t elem_bytes,
                 uint32_t ranks);

// nccl-tests' bus-bandwidth factor: busbw = algbw * factor.
// all_reduce 2(n-1)/n; all_gather, reduce_scatter, all_to_all, gather,
// scatter (n-1)/n; broadcast, reduce 1.
double BusBandwidthFactor(CollectiveKind kind, uint32_t ranks);

// min, min*factor, ... up to max inclusive (factor >= 2), as nccl-tests
// sweeps; one size when min >= max.
std::vector<uint64_t> SweepSizes(uint64_t min_bytes, uint64_t max_bytes, uint64_t factor);

// The distinct layouts of a sweep, in increasing size.
std::vector<Layout> SweepLayouts(CollectiveKind kind, const std::vector<uint64_t>& sizes,
                                 size_t elem_bytes, uint32_t ranks);

// The layouts `options` sweeps for `kind`: SweepLayouts of its sizes, dtype
// and ranks. The ccs ranks and the Gloo baseline use the same list.
std::vector<Layout> BenchLayouts(const BenchOptions& options, CollectiveKind kind);

// Bytes the send and recv buffers of one rank need for every collective and
// size of `options` (at least 1 each).
std::pair<uint64_t, uint64_t> BenchBufferBytes(const BenchOptions& options);

}  // namespace ccs::bench
