// The host-staged fallback's layout: where each device rank's memory sits
// in one page-locked staging buffer, and the host plan over it. GPU-free.
//
// A device rank's input and output are staged as one region when they
// overlap (the in-place layouts) and as two otherwise. Every region is
// copied to the host before the host algorithm runs, outputs included, so
// that the parts an op leaves untouched (non-root outputs of reduce and
// gather, ...) go back unchanged; only the output range is copied back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "daemon/engine/engine.h"

namespace ccs::cuda {

// One device-to-host copy before, or host-to-device copy after.
struct StagingCopy {
  int32_t gpu = -1;
  std::byte* device = nullptr;
  std::byte* host = nullptr;
  uint64_t bytes = 0;
};

struct StagedPlan {
  OpPlan host_plan;                 // device ranks point into the staging buffer
  std::vector<StagingCopy> copy_in;   // device -> host, before
  std::vector<StagingCopy> copy_out;  // host -> device, after
  std::vector<int32_t> gpus;          // the GPUs involved, ascending
};

// Bytes of staging `plan` needs (0 when no rank is on a GPU).
uint64_t StagingBytes(const OpPlan& plan);
// The staged plan over `staging` (at least StagingBytes(plan) bytes, 64-byte
// aligned). Host ranks keep their pointers; device ranks get host pointers
// with gpu = -1 and no events (the engine handles those around the copies).
StagedPlan StagePlan(const OpPlan& plan, std::byte* staging);

}  // namespace ccs::cuda
