#include "daemon/server/group_merge.h"

#include <algorithm>
#include <map>
#include <set>

namespace ccs::server {
namespace {

bool IsChannel(const v1::InFlightOp& op) {
  return op.kind() == v1::COLLECTIVE_KIND_SEND || op.kind() == v1::COLLECTIVE_KIND_RECV;
}

v1::InFlightOp* FindCollective(v1::DescribeGroupResponse& merged, uint64_t seq) {
  for (v1::InFlightOp& op : *merged.mutable_in_flight()) {
    if (!IsChannel(op) && op.seq() == seq) return &op;
  }
  return nullptr;
}

bool HasArrival(const v1::InFlightOp& op, uint32_t rank) {
  return std::any_of(op.arrivals().begin(), op.arrivals().end(),
                     [rank](const v1::ArrivedRank& a) { return a.rank() == rank; });
}

void MergeArrivals(const v1::InFlightOp& from, v1::InFlightOp& into) {
  for (const v1::ArrivedRank& a : from.arrivals()) {
    if (!HasArrival(into, a.rank())) *into.add_arrivals() = a;
  }
  into.set_waiting_ms(std::max(into.waiting_ms(), from.waiting_ms()));
}

// Rebuilds arrived/missing/unknown of a collective from its arrivals.
void RecountCollective(uint32_t world_size, const std::set<uint32_t>& unanswered,
                       v1::InFlightOp& op) {
  std::map<uint32_t, v1::ArrivedRank> arrived;
  for (const v1::ArrivedRank& a : op.arrivals()) arrived.emplace(a.rank(), a);
  op.clear_arrivals();
  op.clear_arrived_ranks();
  op.clear_missing_ranks();
  op.clear_unknown_ranks();
  for (const auto& [rank, a] : arrived) {
    op.add_arrived_ranks(rank);
    *op.add_arrivals() = a;
  }
  for (uint32_t r = 0; r < world_size; ++r) {
    if (arrived.count(r) != 0) continue;
    if (unanswered.count(r) != 0) {
      op.add_unknown_ranks(r);
    } else {
      op.add_missing_ranks(r);
    }
  }
}

// A cross-node send or recv is listed by its own node with the other side
// unknown. With the other node's answer in: both sides posted (one entry,
// both arrived, moving data), or the other side never called (missing).
void ResolveChannels(const std::set<uint32_t>& unanswered,
                     google::protobuf::RepeatedPtrField<v1::InFlightOp>& ops) {
  std::vector<bool> drop(ops.size(), false);
  for (int i = 0; i < ops.size(); ++i) {
    v1::InFlightOp& x = ops[i];
    if (drop[i] || !IsChannel(x) || x.arrived_ranks_size() != 1 || x.unknown_ranks_size() != 1) {
      continue;
    }
    const uint32_t me = x.arrived_ranks(0);
    const uint32_t peer = x.unknown_ranks(0);
    if (unanswered.count(peer) != 0) continue;
    x.clear_unknown_ranks();
    for (int j = 0; j < ops.size(); ++j) {
      const v1::InFlightOp& y = ops[j];
      if (j == i || drop[j] || !IsChannel(y) || y.kind() == x.kind() ||
          y.arrived_ranks_size() != 1 || y.arrived_ranks(0) != peer ||
          y.unknown_ranks_size() != 1 || y.unknown_ranks(0) != me) {
        continue;
      }
      x.add_arrived_ranks(peer);
      *x.add_arrivals() = y.arrivals_size() > 0 ? y.arrivals(0) : v1::ArrivedRank();
      x.set_waiting_ms(std::max(x.waiting_ms(), y.waiting_ms()));
      drop[j] = true;
      break;
    }
    if (x.arrived_ranks_size() == 1) x.add_missing_ranks(peer);
  }
  for (int i = ops.size() - 1; i >= 0; --i) {
    if (drop[i]) ops.DeleteSubrange(i, 1);
  }
}

}  // namespace

void AddNodeAnswer(const v1::DescribeGroupResponse& answer, v1::GroupNode& node,
                   v1::DescribeGroupResponse& merged) {
  if (answer.group().epoch() != merged.group().epoch()) {
    AddNodeError("it holds epoch " + std::to_string(answer.group().epoch()) +
                     " of the group, this daemon epoch " +
                     std::to_string(merged.group().epoch()),
                 node);
    return;
  }
  node.set_answered(true);
  node.clear_error();
  node.set_state(answer.group().state());
  for (const v1::MemberInfo& m : answer.members()) {
    if (m.remote() || m.rank() >= static_cast<uint32_t>(merged.members_size())) continue;
    *merged.mutable_members(static_cast<int>(m.rank())) = m;
  }
  for (const v1::InFlightOp& op : answer.in_flight()) {
    v1::InFlightOp* same = IsChannel(op) ? nullptr : FindCollective(merged, op.seq());
    if (same != nullptr) {
      MergeArrivals(op, *same);
    } else {
      *merged.add_in_flight() = op;
    }
  }
}

void AddNodeError(const std::string& error, v1::GroupNode& node) {
  node.set_answered(false);
  node.set_error(error);
}

void CompleteMerge(v1::DescribeGroupResponse& merged) {
  std::set<uint32_t> unanswered;
  for (const v1::GroupNode& node : merged.nodes()) {
    if (!node.answered()) unanswered.insert(node.ranks().begin(), node.ranks().end());
  }
  const uint32_t world_size = merged.group().world_size();
  auto* ops = merged.mutable_in_flight();
  for (v1::InFlightOp& op : *ops) {
    if (!IsChannel(op)) RecountCollective(world_size, unanswered, op);
  }
  ResolveChannels(unanswered, *ops);
  std::stable_sort(ops->begin(), ops->end(), [](const v1::InFlightOp& a, const v1::InFlightOp& b) {
    if (IsChannel(a) != IsChannel(b)) return !IsChannel(a);
    return !IsChannel(a) && a.seq() < b.seq();
  });

  v1::GroupSummary* g = merged.mutable_group();
  uint32_t joined = 0;
  uint64_t completed = merged.members().empty() ? 0 : UINT64_MAX;
  for (const v1::MemberInfo& m : merged.members()) {
    joined += m.joined() ? 1 : 0;
    completed = std::min(completed, m.last_completed_seq());
  }
  g->set_joined(joined);
  g->set_completed_seq(completed);
  g->set_in_flight_ops(static_cast<uint32_t>(merged.in_flight_size()));
}

}  // namespace ccs::server
