// `ccs-test-rank sweep`: every collective x dtype x count x placement on one
// group, each rank checking its whole output against the reference.
#pragma once

#include "worker/args.h"

namespace ccs::it {

// --addr A --group G --world N --rank R [--counts 0,1,1001] [--large-bytes B]
// [--large-all-ops] [--large-out-of-place-only] [--kinds k,..] [--dtypes d,..]
// [--placements out,in] [--misalign BYTES] [--verbose]
// Exit 0 when every case matched; on the first mismatch prints a MISMATCH
// line (rank, case, index, expected, got) and exits 1.
int RunSweep(const Args& args);

}  // namespace ccs::it
