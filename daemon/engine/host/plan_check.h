// Structural checks of an OpPlan before the host engine touches memory.
//
// The executor validates ops against clients' requests; these checks only
// guarantee that Execute never reads or writes memory it was not given, so a
// caller bug becomes INVALID_ARGUMENT instead of a crash.
#pragma once

#include <cstdint>

#include "daemon/core/status.h"
#include "daemon/engine/engine.h"

namespace ccs::host {

struct PlanShape {
  // The most bytes any one rank reads or writes; decides parallelism.
  uint64_t max_rank_bytes = 0;
};

// OK when: ranks is not empty; dtype (and op, for reductions) is a known
// enumerator; the kind is not kRecv (a pair is planned as one kSend of
// {sender, receiver}); send has exactly 2 ranks; root < N for rooted kinds;
// counts has N entries for *_v kinds; every all_to_all_v rank has N
// send_counts and N recv_counts and rank r's recv_counts[s] equals rank s's
// send_counts[r]; sizes do not overflow 64 bits; and for every buffer the
// kind reads or writes (per engine.h semantics, with the in-place layouts of
// reduce_scatter and scatter described there) the pointer is non-null and
// in_count / out_count is at least the number of elements touched. Buffers
// a rank does not use (e.g. a non-root's out in reduce) are not checked.
// Otherwise INVALID_ARGUMENT naming the rank and the problem. Pure function.
StatusOr<PlanShape> CheckPlan(const OpPlan& plan);

}  // namespace ccs::host
