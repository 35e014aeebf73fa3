// `ccs-test-rank ops`: a rank that joins, optionally waits for a go-file,
// then runs a number of verified all_reduces, for the operations tests
// (metrics, drain, flight recorder).
//
//   ccs-test-rank ops --addr A --group G --world N --rank R [--ops K]
//       [--go-file F] [--timeout-ms T] [--hold]
//
// Prints RESULT step=join (with pid=), "WAITING" before waiting for F,
// "CALLING op<i>" right before op i, RESULT step=op<i> for i = 1..K (code OK
// only when the result is exact; code=MISMATCH otherwise; recv_unchanged=1
// when the op failed and left the output untouched), then "HOLDING" with
// --hold. Exit code as for every scenario (see scenarios.h).
#pragma once

#include "worker/args.h"

namespace ccs::it {

int RunOps(const Args& args);

}  // namespace ccs::it
