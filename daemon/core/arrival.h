// Arrival: one rank's submitted op, and the plan built from a full set.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/core/call.h"
#include "daemon/core/mapping.h"
#include "daemon/core/status.h"
#include "daemon/engine/engine.h"

namespace ccs {

using Clock = std::chrono::steady_clock;

// Called once per submitted op with its status and this rank's sequence
// number of it.
using CollectiveDone = std::function<void(const Status&, uint64_t seq)>;

// One rank's op: the call, its resolved memory, what keeps that memory
// mapped, its deadline, and where the result goes.
struct Arrival {
  CollectiveCall call;
  RankIo io;
  std::vector<std::shared_ptr<Mapping>> keepalive;
  std::vector<std::shared_ptr<const void>> device_keepalive;
  Clock::time_point arrived;
  Clock::time_point deadline;
  CollectiveDone done;
};

// The engine plan of one collective whose arrivals passed the pairwise
// mismatch check. With `whole_group` (index = rank, every rank present) it
// checks what only the whole set shows (all_to_all_v: rank s's
// send_counts[r] must equal rank r's recv_counts[s]; INVALID_ARGUMENT naming
// both ranks otherwise); without, the arrivals are this node's ranks of a
// multi-node group, in rank order, and the network checks that.
StatusOr<OpPlan> BuildCollectivePlan(const std::vector<Arrival>& arrivals,
                                     bool whole_group = true);

// The plan of a matched send (from `sender`) and recv: INVALID_ARGUMENT if
// their counts or dtypes differ.
StatusOr<OpPlan> BuildPointToPointPlan(const Arrival& send, uint32_t sender,
                                       const Arrival& recv, uint32_t receiver);

}  // namespace ccs
