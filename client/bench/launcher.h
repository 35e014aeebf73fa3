// Runs the ranks of a benchmark as separate processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace ccs::bench {

// Exit codes of ccs-bench and of its rank processes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitRankFailed = 2;    // a rank failed, crashed or timed out
inline constexpr int kExitWrongResults = 3;  // --check found wrong elements

// Forks `ranks` processes; process r runs body(r) and exits with its return
// value (an escaping exception exits kExitRankFailed). Children die with the
// parent; the SDK's shared-memory segments a dead child left behind are
// unlinked. Waits up to `deadline` for all of them: when one fails (exit code
// other than 0 and kExitWrongResults, or a signal) or time runs out, the
// others are terminated (SIGTERM, then SIGKILL) and the reason is printed on
// stderr. Returns kExitOk, kExitWrongResults or kExitRankFailed.
//
// Must be called before this process creates any gRPC object: gRPC's
// threads do not survive fork(), so every child builds its own.
int RunRanks(uint32_t ranks, const std::function<int(uint32_t)>& body,
             std::chrono::seconds deadline);

}  // namespace ccs::bench
