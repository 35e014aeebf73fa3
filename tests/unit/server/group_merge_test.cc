#include "daemon/server/group_merge.h"

#include <catch2/catch.hpp>
#include <vector>

namespace ccs::server {
namespace {

std::vector<uint32_t> Ranks(const google::protobuf::RepeatedField<uint32_t>& r) {
  return {r.begin(), r.end()};
}

// One daemon's own view of a 4-rank group of epoch 2 over nodes n0 (ranks
// 0-1) and n1 (ranks 2-3): its ranks known, the others remote.
v1::DescribeGroupResponse OwnView(uint32_t self) {
  v1::DescribeGroupResponse v;
  v.mutable_group()->set_name("g");
  v.mutable_group()->set_epoch(2);
  v.mutable_group()->set_world_size(4);
  v.mutable_group()->set_state(v1::GROUP_STATE_READY);
  for (uint32_t r = 0; r < 4; ++r) {
    v1::MemberInfo* m = v.add_members();
    m->set_rank(r);
    m->set_node(r < 2 ? "n0" : "n1");
    const bool mine = r / 2 == self;
    m->set_remote(!mine);
    m->set_joined(mine);
    m->set_alive(true);
    if (mine) {
      m->set_pid(static_cast<int32_t>(100 + r));
      m->set_session_id(10 + r);
      m->set_last_completed_seq(6);
    } else {
      m->set_last_completed_seq(5);
    }
  }
  for (uint32_t k = 0; k < 2; ++k) {
    v1::GroupNode* n = v.add_nodes();
    n->set_name("n" + std::to_string(k));
    n->set_self(k == self);
    n->set_answered(k == self);
    n->add_ranks(2 * k);
    n->add_ranks(2 * k + 1);
  }
  return v;
}

v1::InFlightOp* AddCollective(v1::DescribeGroupResponse& v, uint64_t seq,
                              std::vector<uint32_t> arrived, uint64_t waiting_ms) {
  v1::InFlightOp* op = v.add_in_flight();
  op->set_seq(seq);
  op->set_kind(v1::COLLECTIVE_KIND_ALL_REDUCE);
  for (uint32_t r : arrived) {
    op->add_arrived_ranks(r);
    v1::ArrivedRank* a = op->add_arrivals();
    a->set_rank(r);
    a->set_waiting_ms(waiting_ms);
  }
  op->set_waiting_ms(waiting_ms);
  return op;
}

TEST_CASE("merged views name the ranks no node saw arrive", "[server]") {
  v1::DescribeGroupResponse merged = OwnView(0);
  AddCollective(merged, 7, {0, 1}, 900);
  v1::DescribeGroupResponse n1 = OwnView(1);
  AddCollective(n1, 7, {2}, 1200);
  // n1 also has a later op only it started.
  AddCollective(n1, 8, {2}, 10);

  AddNodeAnswer(n1, *merged.mutable_nodes(1), merged);
  CompleteMerge(merged);

  REQUIRE(merged.nodes(1).answered());
  REQUIRE(merged.nodes(1).state() == v1::GROUP_STATE_READY);
  REQUIRE(merged.in_flight_size() == 2);
  const v1::InFlightOp& seven = merged.in_flight(0);
  CHECK(seven.seq() == 7);
  CHECK(Ranks(seven.arrived_ranks()) == std::vector<uint32_t>{0, 1, 2});
  CHECK(Ranks(seven.missing_ranks()) == std::vector<uint32_t>{3});
  CHECK(seven.unknown_ranks().empty());
  CHECK(seven.waiting_ms() == 1200);
  CHECK(seven.arrivals(2).rank() == 2);
  CHECK(seven.arrivals(2).waiting_ms() == 1200);
  const v1::InFlightOp& eight = merged.in_flight(1);
  CHECK(Ranks(eight.missing_ranks()) == std::vector<uint32_t>{0, 1, 3});
  // n1's members replace their placeholders.
  CHECK(merged.members(3).pid() == 103);
  CHECK_FALSE(merged.members(3).remote());
  CHECK(merged.group().joined() == 4);
  CHECK(merged.group().completed_seq() == 6);
  CHECK(merged.group().in_flight_ops() == 2);
}

TEST_CASE("ranks of a node that did not answer are unknown, not missing", "[server]") {
  v1::DescribeGroupResponse merged = OwnView(0);
  AddCollective(merged, 7, {0}, 900);
  AddNodeError("DEADLINE_EXCEEDED: node at 10.0.0.2:7000 did not answer",
               *merged.mutable_nodes(1));
  CompleteMerge(merged);
  REQUIRE_FALSE(merged.nodes(1).answered());
  CHECK(merged.nodes(1).error().find("DEADLINE_EXCEEDED") != std::string::npos);
  const v1::InFlightOp& op = merged.in_flight(0);
  CHECK(Ranks(op.missing_ranks()) == std::vector<uint32_t>{1});
  CHECK(Ranks(op.unknown_ranks()) == std::vector<uint32_t>{2, 3});
  CHECK(merged.members(2).remote());
}

TEST_CASE("a node holding another epoch of the group is not merged", "[server]") {
  v1::DescribeGroupResponse merged = OwnView(0);
  AddCollective(merged, 7, {0, 1}, 900);
  v1::DescribeGroupResponse n1 = OwnView(1);
  n1.mutable_group()->set_epoch(3);
  AddCollective(n1, 7, {2, 3}, 10);
  AddNodeAnswer(n1, *merged.mutable_nodes(1), merged);
  CompleteMerge(merged);
  REQUIRE_FALSE(merged.nodes(1).answered());
  CHECK(merged.nodes(1).error().find("epoch 3") != std::string::npos);
  CHECK(Ranks(merged.in_flight(0).unknown_ranks()) == std::vector<uint32_t>{2, 3});
  CHECK(merged.members(3).remote());
}

TEST_CASE("channel ops are kept per node, after the collectives", "[server]") {
  v1::DescribeGroupResponse merged = OwnView(0);
  v1::DescribeGroupResponse n1 = OwnView(1);
  v1::InFlightOp* send = n1.add_in_flight();
  send->set_kind(v1::COLLECTIVE_KIND_SEND);
  send->add_arrived_ranks(2);
  send->add_missing_ranks(3);
  AddCollective(n1, 9, {2, 3}, 5);
  AddNodeAnswer(n1, *merged.mutable_nodes(1), merged);
  CompleteMerge(merged);
  REQUIRE(merged.in_flight_size() == 2);
  CHECK(merged.in_flight(0).seq() == 9);
  CHECK(Ranks(merged.in_flight(0).missing_ranks()) == std::vector<uint32_t>{0, 1});
  CHECK(merged.in_flight(1).kind() == v1::COLLECTIVE_KIND_SEND);
  CHECK(Ranks(merged.in_flight(1).missing_ranks()) == std::vector<uint32_t>{3});
}

v1::InFlightOp* AddTransfer(v1::DescribeGroupResponse& v, v1::CollectiveKind kind, uint32_t me,
                            uint32_t peer) {
  v1::InFlightOp* op = v.add_in_flight();
  op->set_kind(kind);
  op->add_arrived_ranks(me);
  op->add_arrivals()->set_rank(me);
  op->add_unknown_ranks(peer);
  op->set_waiting_ms(100);
  return op;
}

TEST_CASE("cross-node sends meet their recvs or name the rank that never called",
          "[server]") {
  v1::DescribeGroupResponse merged = OwnView(0);
  AddTransfer(merged, v1::COLLECTIVE_KIND_SEND, 0, 2);  // 2 posted its recv
  AddTransfer(merged, v1::COLLECTIVE_KIND_SEND, 1, 3);  // 3 never called
  v1::DescribeGroupResponse n1 = OwnView(1);
  AddTransfer(n1, v1::COLLECTIVE_KIND_RECV, 2, 0);
  AddNodeAnswer(n1, *merged.mutable_nodes(1), merged);
  CompleteMerge(merged);
  REQUIRE(merged.in_flight_size() == 2);
  CHECK(Ranks(merged.in_flight(0).arrived_ranks()) == std::vector<uint32_t>{0, 2});
  CHECK(merged.in_flight(0).missing_ranks().empty());
  CHECK(merged.in_flight(0).unknown_ranks().empty());
  CHECK(Ranks(merged.in_flight(1).arrived_ranks()) == std::vector<uint32_t>{1});
  CHECK(Ranks(merged.in_flight(1).missing_ranks()) == std::vector<uint32_t>{3});
}

TEST_CASE("a send to a node that did not answer stays unknown", "[server]") {
  v1::DescribeGroupResponse merged = OwnView(0);
  AddTransfer(merged, v1::COLLECTIVE_KIND_SEND, 0, 2);
  AddNodeError("UNAVAILABLE", *merged.mutable_nodes(1));
  CompleteMerge(merged);
  REQUIRE(merged.in_flight_size() == 1);
  CHECK(Ranks(merged.in_flight(0).unknown_ranks()) == std::vector<uint32_t>{2});
  CHECK(merged.in_flight(0).missing_ranks().empty());
}

}  // namespace
}  // namespace ccs::server
