#include "daemon/engine/cuda/device_copies.h"

#include "daemon/core/types.h"

namespace ccs::cuda {
namespace {

void Add(std::vector<DeviceCopy>& copies, std::byte* dst, const std::byte* src,
         uint64_t bytes) {
  if (bytes == 0 || dst == src) return;
  copies.push_back({dst, src, bytes});
}

// out[r] block s = in[s] for every r (all_gather) or the root (gather).
void Gather(const OpPlan& plan, size_t esz, bool to_all, std::vector<DeviceCopy>& copies) {
  const bool variable = plan.kind == CollectiveKind::kAllGatherV;
  const size_t n = plan.ranks.size();
  for (size_t r = 0; r < n; ++r) {
    if (!to_all && r != plan.root) continue;
    uint64_t offset = 0;
    for (size_t s = 0; s < n; ++s) {
      const uint64_t len = (variable ? plan.counts[s] : plan.count) * esz;
      Add(copies, plan.ranks[r].out + offset, plan.ranks[s].in, len);
      offset += len;
    }
  }
}

// out[r] = in[root] (broadcast) or in[root] block r (scatter; the root's
// own block stays where it is when it runs in place).
void Scatter(const OpPlan& plan, size_t esz, bool whole, std::vector<DeviceCopy>& copies) {
  const uint64_t len = plan.count * esz;
  const RankIo& root = plan.ranks[plan.root];
  for (size_t r = 0; r < plan.ranks.size(); ++r) {
    const uint64_t block = whole ? 0 : r * len;
    std::byte* out = plan.ranks[r].out;
    if (!whole && r == plan.root && root.in == root.out) out += block;
    Add(copies, out, root.in + block, len);
  }
}

// out[r] block s = in[s] block r; fixed blocks or packed per-peer counts.
bool AllToAll(const OpPlan& plan, size_t esz, std::vector<DeviceCopy>& copies) {
  const size_t n = plan.ranks.size();
  const bool variable = plan.kind == CollectiveKind::kAllToAllV;
  for (const RankIo& io : plan.ranks) {
    if (io.in == io.out) return false;  // in place: blocks swap
    if (variable && (io.send_counts.size() != n || io.recv_counts.size() != n)) return false;
  }
  for (size_t s = 0; s < n; ++s) {
    uint64_t src_offset = 0;
    for (size_t r = 0; r < n; ++r) {
      uint64_t dst_offset = s * plan.count;
      uint64_t len = plan.count;
      if (variable) {
        dst_offset = 0;
        for (size_t q = 0; q < s; ++q) dst_offset += plan.ranks[r].recv_counts[q];
        len = plan.ranks[s].send_counts[r];
      } else {
        src_offset = r * plan.count;
      }
      Add(copies, plan.ranks[r].out + dst_offset * esz, plan.ranks[s].in + src_offset * esz,
          len * esz);
      if (variable) src_offset += len;
    }
  }
  return true;
}

}  // namespace

bool PlanDeviceCopies(const OpPlan& plan, std::vector<DeviceCopy>& copies) {
  copies.clear();
  const size_t esz = DataTypeSize(plan.dtype);
  switch (plan.kind) {
    case CollectiveKind::kAllGather:
    case CollectiveKind::kAllGatherV:
      Gather(plan, esz, true, copies);
      return true;
    case CollectiveKind::kGather:
      Gather(plan, esz, false, copies);
      return true;
    case CollectiveKind::kBroadcast:
      Scatter(plan, esz, true, copies);
      return true;
    case CollectiveKind::kScatter:
      Scatter(plan, esz, false, copies);
      return true;
    case CollectiveKind::kAllToAll:
    case CollectiveKind::kAllToAllV:
      return AllToAll(plan, esz, copies);
    case CollectiveKind::kSend:
      if (plan.ranks.size() != 2) return false;
      Add(copies, plan.ranks[1].out, plan.ranks[0].in, plan.count * esz);
      return true;
    default:
      return false;
  }
}

}  // namespace ccs::cuda
