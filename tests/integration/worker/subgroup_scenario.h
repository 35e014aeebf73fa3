// `ccs-test-rank subgroups`: subgroups of a joined group, verified.
#pragma once

#include "worker/args.h"

namespace ccs::it {

// Joins --group (--world, --rank), then on every rank, in this order:
//  split    Split(color = rank % 2, key = -rank): the same-parity ranks,
//           highest first;
//  subgroup NewSubgroup({world-1, 0}) (members only; others get none);
//  nested   Split(0, 0) of the split group: all of it again;
//  single   Split(rank == 0 ? 0 : -1, 0): rank 0 alone.
// Each new group's rank and size are checked against the rule and one
// all_reduce on it is verified (every member adds its parent rank + 1), so
// a wrong membership shows as MISMATCH. One RESULT line per step, with
// member=0|1, size and rank. Ends with a barrier on the parent.
int RunSubgroups(const Args& args);

// `ccs-test-rank model-parallel`: joins --group, forms vLLM's TP, DCP, PCP,
// PP, DP and EP groups for --tensor, --pipeline, --data (default 2 each)
// with SplitModelParallelGroups, and checks each against
// InitializeModelParallel's rank lists (membership, rank order, one
// verified all_reduce). With --by-name the groups are joined by name
// instead (JoinModelParallelGroups: one rendezvous round each), to compare.
// RESULT lines: layout (its elapsed_ms is the formation time), then tp,
// dcp, pcp, pp, dp, ep.
int RunModelParallel(const Args& args);

}  // namespace ccs::it
