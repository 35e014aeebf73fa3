#include "daemon/engine/cuda/staged_plan.h"

#include <algorithm>

#include "daemon/core/types.h"

namespace ccs::cuda {
namespace {

constexpr uint64_t kAlign = 64;

uint64_t AlignUp(uint64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// A rank's input and output ranges; `merged` when they overlap (or one is
// empty inside the other), then [lo, hi) covers both.
struct Ranges {
  const std::byte* in = nullptr;
  uint64_t in_bytes = 0;
  std::byte* out = nullptr;
  uint64_t out_bytes = 0;
  bool merged = false;
  const std::byte* lo = nullptr;
  const std::byte* hi = nullptr;
};

Ranges RangesOf(const RankIo& io, size_t esz) {
  Ranges r{io.in, io.in == nullptr ? 0 : io.in_count * esz, io.out,
           io.out == nullptr ? 0 : io.out_count * esz};
  if (r.in != nullptr && r.out != nullptr) {
    const std::byte* in_end = r.in + r.in_bytes;
    const std::byte* out_end = r.out + r.out_bytes;
    if (r.in <= out_end && r.out <= in_end) {
      r.merged = true;
      r.lo = std::min<const std::byte*>(r.in, r.out);
      r.hi = std::max<const std::byte*>(in_end, out_end);
    }
  }
  return r;
}

uint64_t RankBytes(const Ranges& r) {
  if (r.merged) return AlignUp(static_cast<uint64_t>(r.hi - r.lo));
  return AlignUp(r.in_bytes) + AlignUp(r.out_bytes);
}

}  // namespace

uint64_t StagingBytes(const OpPlan& plan) {
  const size_t esz = DataTypeSize(plan.dtype);
  uint64_t total = 0;
  for (const RankIo& io : plan.ranks) {
    if (io.gpu >= 0) total += RankBytes(RangesOf(io, esz));
  }
  return total;
}

StagedPlan StagePlan(const OpPlan& plan, std::byte* staging) {
  const size_t esz = DataTypeSize(plan.dtype);
  StagedPlan staged;
  staged.host_plan = plan;
  std::byte* next = staging;
  for (RankIo& io : staged.host_plan.ranks) {
    if (io.gpu < 0) continue;
    const Ranges r = RangesOf(io, esz);
    const int32_t gpu = io.gpu;
    auto device = [](const std::byte* p) { return const_cast<std::byte*>(p); };
    if (r.merged) {
      const uint64_t span = static_cast<uint64_t>(r.hi - r.lo);
      staged.copy_in.push_back({gpu, device(r.lo), next, span});
      io.in = next + (r.in - r.lo);
      io.out = next + (r.out - r.lo);
      next += AlignUp(span);
    } else {
      if (r.in_bytes > 0) {
        staged.copy_in.push_back({gpu, device(r.in), next, r.in_bytes});
        io.in = next;
        next += AlignUp(r.in_bytes);
      }
      if (r.out_bytes > 0) {
        staged.copy_in.push_back({gpu, r.out, next, r.out_bytes});
        io.out = next;
        next += AlignUp(r.out_bytes);
      }
    }
    if (r.out_bytes > 0) staged.copy_out.push_back({gpu, r.out, io.out, r.out_bytes});
    io.gpu = -1;
    io.ready_event = nullptr;
    io.done_event = nullptr;
    if (std::find(staged.gpus.begin(), staged.gpus.end(), gpu) == staged.gpus.end()) {
      staged.gpus.push_back(gpu);
    }
  }
  std::sort(staged.gpus.begin(), staged.gpus.end());
  return staged;
}

}  // namespace ccs::cuda
