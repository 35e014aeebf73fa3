// The body of one rank process of ccs-bench.
#pragma once

#include <cstdint>

#include "client/bench/options.h"
#include "client/bench/report.h"

namespace ccs::bench {

// Connects its own Client to the daemon of its block (DaemonOfRank over
// options.addresses), creates send/recv buffers for the largest size, joins
// options.group as `rank` of options.ranks, and runs every collective of
// the sweep: warmup, a barrier, the timed iterations, and with --check one
// more call whose result is verified. Rank 0 prints the header and the
// tables; where `baselines` has Gloo rows for a collective, each size's
// Gloo row is printed above its ccs row, which carries ccs/gloo.
// --memory device: the buffers are cudaMalloc'ed on GPU 0 and registered
// by IPC handle, each timed loop ends with cudaStreamSynchronize(0), and
// rank 0's rows carry the device baselines of `baselines`.
// Returns kExitOk, or kExitWrongResults if any rank saw a wrong element;
// throws ccs::Error on failure.
int RunRank(const BenchOptions& options, uint32_t rank, const Baselines& baselines);

}  // namespace ccs::bench
