#include "daemon/engine/host/copy_collectives.h"

#include "daemon/core/types.h"
#include "daemon/engine/host/part_slicing.h"

namespace ccs::host {
namespace {

// out[r] block s = in[s], for every receiving rank r (all_gather) or the
// root only (gather). Blocks are `count` elements, or counts[s] packed.
void GatherPart(const OpPlan& plan, size_t esz, bool to_all, size_t part, size_t parts) {
  const bool variable = plan.kind == CollectiveKind::kAllGatherV;
  const size_t n = plan.ranks.size();
  for (size_t r = 0; r < n; ++r) {
    if (!to_all && r != plan.root) continue;
    uint64_t offset = 0;
    for (size_t s = 0; s < n; ++s) {
      const uint64_t len = (variable ? plan.counts[s] : plan.count) * esz;
      CopySlice(plan.ranks[r].out + offset, plan.ranks[s].in, len, part, parts);
      offset += len;
    }
  }
}

// out[r] = in[root] block r (scatter) or in[root] (broadcast).
void ScatterPart(const OpPlan& plan, size_t esz, bool whole, size_t part, size_t parts) {
  const uint64_t len = plan.count * esz;
  const RankIo& root = plan.ranks[plan.root];
  for (size_t r = 0; r < plan.ranks.size(); ++r) {
    const uint64_t block = whole ? 0 : r * len;
    std::byte* out = plan.ranks[r].out;
    if (!whole && r == plan.root && root.in == root.out) out += block;
    CopySlice(out, root.in + block, len, part, parts);
  }
}

}  // namespace

bool IsCopyKind(CollectiveKind kind) {
  switch (kind) {
    case CollectiveKind::kAllGather:
    case CollectiveKind::kAllGatherV:
    case CollectiveKind::kBroadcast:
    case CollectiveKind::kGather:
    case CollectiveKind::kScatter:
    case CollectiveKind::kSend:
      return true;
    default:
      return false;
  }
}

void RunCopyPart(const OpPlan& plan, size_t part, size_t parts) {
  const size_t esz = DataTypeSize(plan.dtype);
  switch (plan.kind) {
    case CollectiveKind::kAllGather:
    case CollectiveKind::kAllGatherV:
      GatherPart(plan, esz, true, part, parts);
      return;
    case CollectiveKind::kGather:
      GatherPart(plan, esz, false, part, parts);
      return;
    case CollectiveKind::kBroadcast:
      ScatterPart(plan, esz, true, part, parts);
      return;
    case CollectiveKind::kScatter:
      ScatterPart(plan, esz, false, part, parts);
      return;
    case CollectiveKind::kSend:
      CopySlice(plan.ranks[1].out, plan.ranks[0].in, plan.count * esz, part, parts);
      return;
    default:
      return;
  }
}

}  // namespace ccs::host
