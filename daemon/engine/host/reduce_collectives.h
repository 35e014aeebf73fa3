// The reduction kinds of the host engine: all_reduce, reduce, reduce_scatter
// and reduce_scatter_v.
//
// One pass over memory: each part walks its element slice in chunks that fit
// in L1, reduces the chunk of ranks 0..N-1 into an accumulator on its own
// stack and writes the result to every output that needs it. Because a
// chunk is read from every rank before any output of it is written, the
// in-place layouts of engine.h (in == out, or the output block inside the
// input) are handled without staging.
#pragma once

#include <cstddef>

#include "daemon/engine/engine.h"
#include "daemon/engine/host/reduce_kernels.h"

namespace ccs::host {

// Runs part `part` of `parts` of `plan`, whose kind is a reduction and which
// passed CheckPlan; `kernel` is FindReduceKernel(plan.dtype, plan.op).
// Reduce_scatter(_v): when a rank's in == out, `out` is the whole N-block
// buffer and the rank's result goes to its own block (NCCL in-place layout);
// otherwise `out` is the rank's result. Thread-safe for distinct parts; no
// heap allocation.
void RunReductionPart(const OpPlan& plan, const ReduceKernel& kernel, size_t part,
                      size_t parts);

}  // namespace ccs::host
