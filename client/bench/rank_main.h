// The body of one rank process of ccs-bench.
#pragma once

#include <cstdint>
#include <optional>

#include "client/bench/memcpy_baseline.h"
#include "client/bench/options.h"

namespace ccs::bench {

// Connects its own Client, creates send/recv buffers for the largest size,
// joins options.group as `rank`, and runs every collective of the sweep:
// warmup, a barrier, the timed iterations, and with --check one more call
// whose result is verified. Rank 0 prints the header and the tables.
// Returns kExitOk, or kExitWrongResults if any rank saw a wrong element;
// throws ccs::Error on failure.
int RunRank(const BenchOptions& options, uint32_t rank,
            const std::optional<MemcpyBandwidth>& baseline);

}  // namespace ccs::bench
