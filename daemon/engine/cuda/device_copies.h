// The data-movement collectives as a list of block copies, for a group
// whose ranks share one GPU: each copy is one device-to-device
// cudaMemcpyAsync on that GPU's stream, no kernel and no host staging.
// GPU-free: pure planning over the pointers of an OpPlan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "daemon/engine/engine.h"

namespace ccs::cuda {

struct DeviceCopy {
  std::byte* dst = nullptr;
  const std::byte* src = nullptr;
  uint64_t bytes = 0;
};

// The copies that run `plan` (engine.h semantics) for all_gather(_v),
// gather, broadcast, scatter, all_to_all(_v) and send, skipping empty
// blocks and the in-place copies of a block onto itself. No copy reads
// what another writes, so they may run in any order.
// Returns false (nothing planned) for other kinds and for layouts plain
// copies cannot serve (all_to_all(_v) in place, where blocks swap).
bool PlanDeviceCopies(const OpPlan& plan, std::vector<DeviceCopy>& copies);

}  // namespace ccs::cuda
