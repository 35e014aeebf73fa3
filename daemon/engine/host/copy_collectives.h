// The data-movement kinds of the host engine that need no staging:
// all_gather, all_gather_v, broadcast, gather, scatter and send.
//
// Each is a set of block copies. In the in-place layouts of engine.h the
// only copy whose source is a rank's own output is the one onto itself, which
// is skipped; no other copy reads memory another copy writes, so parts may
// run in any order or concurrently.
#pragma once

#include <cstddef>

#include "daemon/engine/engine.h"

namespace ccs::host {

// True for the kinds RunCopyPart handles.
bool IsCopyKind(CollectiveKind kind);

// Runs part `part` of `parts` of `plan`, which passed CheckPlan and whose
// kind satisfies IsCopyKind. Scatter: when the root's in == out, `out` is the
// whole N-block buffer and the root's block stays where it is (NCCL
// in-place layout). Thread-safe for distinct parts; no heap allocation.
void RunCopyPart(const OpPlan& plan, size_t part, size_t parts);

}  // namespace ccs::host
