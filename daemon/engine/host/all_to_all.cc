#include "daemon/engine/host/all_to_all.h"

#include <algorithm>
#include <cstring>

#include "daemon/core/types.h"
#include "daemon/engine/host/part_slicing.h"

namespace ccs::host {
namespace {

constexpr size_t kStageBytes = 16 * 1024;

bool Overlaps(const std::byte* a, uint64_t a_bytes, const std::byte* b,
              uint64_t b_bytes) {
  if (a_bytes == 0 || b_bytes == 0) return false;
  return a < b + b_bytes && b < a + a_bytes;
}

// Rank r's input sits exactly on its output: every block it sends is where
// the block it receives from the same peer goes, with the same length.
bool IsExactInPlace(const OpPlan& plan, const AllToAllLayout& layout, size_t r) {
  if (plan.ranks[r].in != plan.ranks[r].out) return false;
  for (size_t t = 0; t < plan.ranks.size(); ++t) {
    if (layout.SendOffset(r, t) != layout.RecvOffset(r, t)) return false;
    if (layout.Length(r, t) != layout.Length(t, r)) return false;
  }
  return true;
}

// Moves slice `part` of block a (r -> s) and block b (s -> r) of one pair.
// If r's input is its output, a and b's destination are the same bytes (and
// the lengths match): a chunk of a is saved before b's chunk lands on it.
// Otherwise b is moved first, since a's destination may be b's source.
void ExchangePair(std::byte* to_s, const std::byte* a, uint64_t a_bytes, std::byte* to_r,
                  const std::byte* b, uint64_t b_bytes, size_t part, size_t parts) {
  if (to_r != a) {
    CopySlice(to_r, b, b_bytes, part, parts);
    CopySlice(to_s, a, a_bytes, part, parts);
    return;
  }
  alignas(64) std::byte stage[kStageBytes];
  const Range slice = SliceOf(a_bytes, part, parts, 64);
  for (uint64_t i = slice.begin; i < slice.end; i += kStageBytes) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kStageBytes, slice.end - i));
    std::memcpy(stage, a + i, n);
    if (to_r + i != b + i) std::memmove(to_r + i, b + i, n);
    std::memcpy(to_s + i, stage, n);
  }
}

}  // namespace

AllToAllLayout::AllToAllLayout(const OpPlan& plan, std::vector<uint64_t>& storage)
    : ranks_(&plan.ranks), n_(plan.ranks.size()), count_(plan.count) {
  if (plan.kind != CollectiveKind::kAllToAllV) return;
  storage.resize(2 * n_ * n_);
  uint64_t* send = storage.data();
  uint64_t* recv = send + n_ * n_;
  for (size_t r = 0; r < n_; ++r) {
    uint64_t s_off = 0;
    uint64_t r_off = 0;
    for (size_t t = 0; t < n_; ++t) {
      send[r * n_ + t] = s_off;
      recv[r * n_ + t] = r_off;
      s_off += plan.ranks[r].send_counts[t];
      r_off += plan.ranks[r].recv_counts[t];
    }
  }
  send_offsets_ = send;
  recv_offsets_ = recv;
}

uint64_t AllToAllLayout::InputSize(size_t r) const {
  uint64_t total = 0;
  for (size_t t = 0; t < n_; ++t) total += Length(r, t);
  return total;
}

uint64_t AllToAllLayout::OutputSize(size_t r) const {
  uint64_t total = 0;
  for (size_t t = 0; t < n_; ++t) total += Length(t, r);
  return total;
}

uint64_t StagedInputElems(const OpPlan& plan, const AllToAllLayout& layout,
                          std::vector<bool>* staged) {
  const size_t esz = DataTypeSize(plan.dtype);
  staged->assign(plan.ranks.size(), false);
  uint64_t total = 0;
  for (size_t r = 0; r < plan.ranks.size(); ++r) {
    const RankIo& io = plan.ranks[r];
    const uint64_t in_elems = layout.InputSize(r);
    if (!Overlaps(io.in, in_elems * esz, io.out, layout.OutputSize(r) * esz)) continue;
    if (IsExactInPlace(plan, layout, r)) continue;
    (*staged)[r] = true;
    total += in_elems;
  }
  return total;
}

void RunAllToAllPart(const OpPlan& plan, const AllToAllLayout& layout,
                     const std::byte* const* inputs, size_t part, size_t parts) {
  const size_t esz = DataTypeSize(plan.dtype);
  const size_t n = plan.ranks.size();
  for (size_t r = 0; r < n; ++r) {
    std::byte* out_r = plan.ranks[r].out;
    CopySlice(out_r + layout.RecvOffset(r, r) * esz,
              inputs[r] + layout.SendOffset(r, r) * esz, layout.Length(r, r) * esz, part,
              parts);
    for (size_t s = r + 1; s < n; ++s) {
      ExchangePair(plan.ranks[s].out + layout.RecvOffset(s, r) * esz,
                   inputs[r] + layout.SendOffset(r, s) * esz, layout.Length(r, s) * esz,
                   out_r + layout.RecvOffset(r, s) * esz,
                   inputs[s] + layout.SendOffset(s, r) * esz, layout.Length(s, r) * esz,
                   part, parts);
    }
  }
}

}  // namespace ccs::host
