// How ccs-bench spreads its ranks over several daemons (one address each):
// contiguous blocks of k = ranks / daemons ranks, ranks 0..k-1 on the first
// address, k..2k-1 on the second, and so on. Pure functions, no I/O;
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ccs::bench {

// "" when `ranks` ranks can be spread over `addresses`; otherwise why not
// (no address, an empty address, no ranks, or ranks not a multiple of the
// number of addresses), as a sentence for the user.
std::string CheckDaemonSpread(const std::vector<std::string>& addresses, uint32_t ranks);

// Ranks each daemon serves. Precondition: CheckDaemonSpread(...) is "" for
// `daemons` addresses and `ranks`.
uint32_t RanksPerDaemon(size_t daemons, uint32_t ranks);

// Index of the address rank `rank` connects to. Precondition: as
// RanksPerDaemon, and rank < ranks.
size_t DaemonOfRank(size_t daemons, uint32_t ranks, uint32_t rank);

// "ranks 2-3" (or "rank 2"): the block of daemon `daemon`. Precondition: as
// RanksPerDaemon, and daemon < daemons.
std::string DescribeDaemonBlock(size_t daemons, uint32_t ranks, size_t daemon);

}  // namespace ccs::bench
