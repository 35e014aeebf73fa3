#include "daemon/engine/host/reduce_collectives.h"

#include <algorithm>
#include <cstring>

#include "daemon/engine/host/part_slicing.h"

namespace ccs::host {
namespace {

// Accumulator bytes per chunk: with one source chunk in flight it stays well
// inside L1.
constexpr size_t kAccBytes = 16 * 1024;
constexpr uint64_t kSliceAlignElems = 64;

// Where a reduced chunk goes: every rank's out at the source offset
// (all_reduce), or one destination.
struct Destination {
  bool all_ranks = false;
  std::byte* one = nullptr;  // element 0 of the range
};

// Reduces input elements [begin, end) of every rank (ranks in order) and
// writes them to `dest`.
void ReduceRange(const std::vector<RankIo>& ranks, const ReduceKernel& k, uint64_t begin,
                 uint64_t end, const Destination& dest) {
  alignas(64) std::byte acc[kAccBytes];
  const uint64_t chunk = kAccBytes / k.acc_size;
  const size_t esz = k.elem_size;
  const uint32_t nranks = static_cast<uint32_t>(ranks.size());
  for (uint64_t i = begin; i < end; i += chunk) {
    const size_t n = static_cast<size_t>(std::min(chunk, end - i));
    const uint64_t off = i * esz;
    k.load(acc, ranks[0].in + off, n);
    for (size_t s = 1; s < ranks.size(); ++s) k.accumulate(acc, ranks[s].in + off, n);
    if (!dest.all_ranks) {
      k.store(acc, n, nranks, dest.one + (i - begin) * esz);
      continue;
    }
    std::byte* first = ranks[0].out + off;
    k.store(acc, n, nranks, first);
    for (size_t r = 1; r < ranks.size(); ++r)
      std::memcpy(ranks[r].out + off, first, n * esz);
  }
}

void RunScatterPart(const OpPlan& plan, const ReduceKernel& k, size_t part,
                    size_t parts) {
  const bool variable = plan.kind == CollectiveKind::kReduceScatterV;
  uint64_t offset = 0;  // elements; block r starts here in every input
  for (size_t r = 0; r < plan.ranks.size(); ++r) {
    const uint64_t len = variable ? plan.counts[r] : plan.count;
    const Range slice = SliceOf(len, part, parts, kSliceAlignElems);
    const RankIo& io = plan.ranks[r];
    std::byte* block = io.out + (io.in == io.out ? offset * k.elem_size : 0);
    const Destination dest{false, block + slice.begin * k.elem_size};
    ReduceRange(plan.ranks, k, offset + slice.begin, offset + slice.end, dest);
    offset += len;
  }
}

}  // namespace

void RunReductionPart(const OpPlan& plan, const ReduceKernel& kernel, size_t part,
                      size_t parts) {
  if (plan.kind == CollectiveKind::kReduceScatter ||
      plan.kind == CollectiveKind::kReduceScatterV) {
    RunScatterPart(plan, kernel, part, parts);
    return;
  }
  const Range slice = SliceOf(plan.count, part, parts, kSliceAlignElems);
  Destination dest{plan.kind == CollectiveKind::kAllReduce, nullptr};
  if (!dest.all_ranks)
    dest.one = plan.ranks[plan.root].out + slice.begin * kernel.elem_size;
  ReduceRange(plan.ranks, kernel, slice.begin, slice.end, dest);
}

}  // namespace ccs::host
