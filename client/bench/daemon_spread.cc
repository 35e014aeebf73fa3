#include "client/bench/daemon_spread.h"

namespace ccs::bench {

std::string CheckDaemonSpread(const std::vector<std::string>& addresses, uint32_t ranks) {
  if (addresses.empty()) return "no daemon address given";
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (addresses[i].empty()) {
      return "daemon address " + std::to_string(i + 1) + " of " +
             std::to_string(addresses.size()) + " is empty";
    }
  }
  if (ranks == 0) return "no ranks to spread over the daemons";
  if (ranks % addresses.size() != 0) {
    return std::to_string(ranks) + " ranks cannot be spread evenly over " +
           std::to_string(addresses.size()) +
           " daemons (--ranks must be a multiple of the number of addresses)";
  }
  return "";
}

uint32_t RanksPerDaemon(size_t daemons, uint32_t ranks) {
  return static_cast<uint32_t>(ranks / daemons);
}

size_t DaemonOfRank(size_t daemons, uint32_t ranks, uint32_t rank) {
  return rank / RanksPerDaemon(daemons, ranks);
}

std::string DescribeDaemonBlock(size_t daemons, uint32_t ranks, size_t daemon) {
  const uint32_t k = RanksPerDaemon(daemons, ranks);
  const uint64_t first = uint64_t{k} * daemon;
  if (k == 1) return "rank " + std::to_string(first);
  return "ranks " + std::to_string(first) + "-" + std::to_string(first + k - 1);
}

}  // namespace ccs::bench
