#include "daemon/core/arrival.h"

namespace ccs {

StatusOr<OpPlan> BuildCollectivePlan(const std::vector<Arrival>& arrivals, bool whole_group) {
  const CollectiveCall& first = arrivals.at(0).call;
  OpPlan plan;
  plan.kind = first.kind;
  plan.dtype = first.dtype;
  plan.op = first.op;
  plan.count = first.count;
  plan.counts = first.counts;
  plan.root = first.root;
  const uint32_t n = static_cast<uint32_t>(arrivals.size());
  if (whole_group && plan.kind == CollectiveKind::kAllToAllV) {
    for (uint32_t s = 0; s < n; ++s) {
      for (uint32_t r = 0; r < n; ++r) {
        uint64_t sent = arrivals[s].call.send_counts[r];
        uint64_t expected = arrivals[r].call.recv_counts[s];
        if (sent != expected) {
          return InvalidArgument("all_to_all_v mismatch: rank " + std::to_string(s) +
                                 " sends " + std::to_string(sent) + " elements to rank " +
                                 std::to_string(r) + ", but rank " + std::to_string(r) +
                                 " expects " + std::to_string(expected) + " from rank " +
                                 std::to_string(s));
        }
      }
    }
  }
  for (const Arrival& a : arrivals) plan.ranks.push_back(a.io);
  return plan;
}

StatusOr<OpPlan> BuildPointToPointPlan(const Arrival& send, uint32_t sender,
                                       const Arrival& recv, uint32_t receiver) {
  if (send.call.count != recv.call.count || send.call.dtype != recv.call.dtype) {
    return InvalidArgument("point-to-point mismatch: rank " + std::to_string(sender) +
                           " called " + DescribeCall(send.call) + " but rank " +
                           std::to_string(receiver) + " called " + DescribeCall(recv.call));
  }
  OpPlan plan;
  plan.kind = CollectiveKind::kSend;
  plan.dtype = send.call.dtype;
  plan.count = send.call.count;
  plan.ranks = {send.io, recv.io};
  return plan;
}

}  // namespace ccs
