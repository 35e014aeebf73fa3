// PlanNcclCalls against engine.h's semantics: every kind is planned for
// every rank of a group (on one node, or split across "nodes" that plan
// their own ranks), the planned calls of all ranks run in the NCCL
// simulator over host memory, and every byte of every buffer is compared
// with the reference implementation (collective_reference.h).
#include "daemon/engine/cuda/nccl_call.h"

#include <catch2/catch.hpp>
#include <utility>
#include <vector>

#include "tests/unit/engine/cuda/collective_reference.h"
#include "tests/unit/engine/cuda/nccl_simulator.h"

namespace ccs::cuda {
namespace {

using testing::CollectiveCase;
using Kind = CollectiveKind;
using Nodes = std::vector<std::vector<uint32_t>>;  // group ranks per node

// One node's plan of `c` for its ranks `local`; `explicit_ranks` false
// leaves group_ranks and world_size at their "whole group" defaults.
OpPlan NodePlan(const CollectiveCase& c, const std::vector<RankIo>& io,
                const std::vector<uint32_t>& local, bool explicit_ranks = true) {
  OpPlan plan;
  plan.group_id = 7;
  plan.world_size = explicit_ranks ? c.world : 0;
  plan.kind = c.kind;
  plan.dtype = c.dtype;
  plan.op = c.op;
  plan.count = c.count;
  plan.counts = c.counts;
  plan.root = c.root;
  for (uint32_t r : local) {
    if (explicit_ranks) plan.group_ranks.push_back(r);
    plan.ranks.push_back(io[r]);
  }
  if (c.kind == Kind::kSend && local.size() == 1) {
    // One side of a pair across nodes: its role and the other side.
    const bool sender = local[0] == c.root;
    plan.kind = sender ? Kind::kSend : Kind::kRecv;
    plan.peer = sender ? c.peer : c.root;
  }
  return plan;
}

// The ranks of the case that take part in each node's plan.
Nodes Participants(const CollectiveCase& c, const Nodes& nodes) {
  if (c.kind != Kind::kSend) return nodes;
  Nodes out;
  for (const auto& node : nodes) {
    std::vector<uint32_t> mine;
    for (uint32_t r : {c.root, c.peer}) {
      if (std::find(node.begin(), node.end(), r) != node.end()) mine.push_back(r);
    }
    if (!mine.empty()) out.push_back(mine);
  }
  return out;
}

void CheckCase(const CollectiveCase& c, const Nodes& nodes, bool explicit_ranks = true) {
  INFO(c.Describe() << " nodes=" << nodes.size());
  testing::GroupMemory expected = testing::MakeMemory(c, 1234 + c.world);
  testing::GroupMemory actual = expected;
  testing::RunReference(c, testing::MakeIo(c, expected));

  const std::vector<RankIo> io = testing::MakeIo(c, actual);
  std::vector<std::vector<NcclCall>> calls(c.world);
  // In-place all_to_all ranks send from a copy of their input, as the
  // engine does (its scratch on the GPU).
  std::vector<std::vector<std::byte>> scratch(c.world);
  for (const auto& local : Participants(c, nodes)) {
    const OpPlan plan = NodePlan(c, io, local, explicit_ranks);
    StatusOr<std::vector<NcclRankCalls>> planned =
        PlanNcclCalls(plan, NcclPlanOptions{.all_to_all_from_copy = true});
    INFO(planned.status().ToString());
    REQUIRE(planned.ok());
    REQUIRE(planned.value().size() == local.size());
    for (const NcclRankCalls& rc : planned.value()) {
      REQUIRE(rc.rank == local[rc.index]);
      calls[rc.rank] = rc.calls;
      const RankIo& rank_io = plan.ranks[rc.index];
      const uint64_t copy = AllToAllCopyBytes(plan, rank_io);
      if (copy == 0) continue;
      REQUIRE(c.in_place);
      scratch[rc.rank].assign(rank_io.in, rank_io.in + copy);
      RebaseSends(calls[rc.rank], rank_io.in, copy, scratch[rc.rank].data());
    }
  }
  Status simulated = testing::SimulateNccl(calls);
  INFO(simulated.ToString());
  REQUIRE(simulated.ok());
  for (uint32_t r = 0; r < c.world; ++r) {
    INFO("rank " << r);
    CHECK(actual.ranks[r].recv == expected.ranks[r].recv);
    CHECK(actual.ranks[r].send == expected.ranks[r].send);
  }
}

// One node; two nodes (even and odd ranks); rank 0 alone and the rest.
std::vector<Nodes> Splits(uint32_t world) {
  std::vector<uint32_t> all, even, odd, rest;
  for (uint32_t r = 0; r < world; ++r) {
    all.push_back(r);
    (r % 2 ? odd : even).push_back(r);
    if (r > 0) rest.push_back(r);
  }
  std::vector<Nodes> splits = {{all}};
  if (world >= 2) splits.push_back({even, odd});
  if (world >= 3) splits.push_back({{0}, rest});
  return splits;
}

const std::vector<std::pair<DataType, ReduceOp>> kReductions = {
    {DataType::kFloat32, ReduceOp::kSum},    {DataType::kFloat32, ReduceOp::kAvg},
    {DataType::kFloat64, ReduceOp::kProd},   {DataType::kFloat16, ReduceOp::kMax},
    {DataType::kBfloat16, ReduceOp::kAvg},   {DataType::kInt8, ReduceOp::kSum},
    {DataType::kInt8, ReduceOp::kAvg},       {DataType::kUint8, ReduceOp::kAvg},
    {DataType::kInt32, ReduceOp::kMin},      {DataType::kInt64, ReduceOp::kAvg},
    {DataType::kUint32, ReduceOp::kMax},     {DataType::kUint64, ReduceOp::kSum},
    {DataType::kFloat8E4m3, ReduceOp::kSum}, {DataType::kFloat8E5m2, ReduceOp::kAvg},
};
const std::vector<DataType> kCopyTypes = {DataType::kInt8, DataType::kBfloat16,
                                          DataType::kFloat64, DataType::kFloat8E5m2};

// Per-rank counts of a v-variant: mixed with zeros, all zero, one block.
std::vector<std::vector<uint64_t>> CountPatterns(uint32_t world) {
  const std::vector<uint64_t> mixed = {3, 0, 2, 1};
  std::vector<uint64_t> a(mixed.begin(), mixed.begin() + world), zero(world, 0),
      last(world, 0);
  last[world - 1] = 5;
  return {a, zero, last};
}

std::vector<std::vector<std::vector<uint64_t>>> MatrixPatterns(uint32_t world) {
  std::vector<std::vector<uint64_t>> mixed(world, std::vector<uint64_t>(world)),
      zero(world, std::vector<uint64_t>(world, 0)), diagonal = zero;
  for (uint32_t s = 0; s < world; ++s) {
    for (uint32_t r = 0; r < world; ++r) mixed[s][r] = (s * 3 + r * 5 + 1) % 4;
    diagonal[s][s] = 2;
  }
  return {mixed, zero, diagonal};
}

// Every case of `kind` for `world` ranks.
std::vector<CollectiveCase> Cases(Kind kind, uint32_t world) {
  std::vector<std::pair<DataType, ReduceOp>> types;
  if (IsReduction(kind)) {
    types = kReductions;
  } else {
    for (DataType t : kCopyTypes) types.push_back({t, ReduceOp::kSum});
  }
  std::vector<uint32_t> roots = {0};
  if (IsRooted(kind) && world > 1) roots.push_back(world - 1);
  std::vector<CollectiveCase> out;
  for (const auto& [dtype, op] : types) {
    for (uint32_t root : roots) {
      for (bool in_place : {false, true}) {
        CollectiveCase c;
        c.kind = kind;
        c.dtype = dtype;
        c.op = op;
        c.world = world;
        c.root = root;
        c.in_place = in_place;
        if (kind == Kind::kAllGatherV || kind == Kind::kReduceScatterV) {
          for (auto& counts : CountPatterns(world)) {
            c.counts = counts;
            out.push_back(c);
          }
        } else if (kind == Kind::kAllToAllV) {
          for (auto& matrix : MatrixPatterns(world)) {
            c.matrix = matrix;
            out.push_back(c);
          }
        } else {
          for (uint64_t count : {0, 1, 7}) {
            c.count = count;
            out.push_back(c);
          }
        }
      }
    }
  }
  return out;
}

const std::vector<Kind> kCollectives = {
    Kind::kAllReduce,      Kind::kAllGather, Kind::kAllGatherV, Kind::kReduceScatter,
    Kind::kReduceScatterV, Kind::kReduce,    Kind::kBroadcast,  Kind::kGather,
    Kind::kScatter,        Kind::kAllToAll,  Kind::kAllToAllV,
};

TEST_CASE("planned NCCL calls compute every collective's semantics", "[nccl_call]") {
  for (Kind kind : kCollectives) {
    for (uint32_t world = 1; world <= 4; ++world) {
      for (const CollectiveCase& c : Cases(kind, world)) {
        for (const Nodes& nodes : Splits(world)) CheckCase(c, nodes);
      }
    }
  }
}

TEST_CASE("an empty group_ranks plans the whole group in rank order", "[nccl_call]") {
  for (Kind kind : kCollectives) {
    CollectiveCase c = Cases(kind, 3).front();
    CheckCase(c, Splits(3).front(), /*explicit_ranks=*/false);
  }
}

TEST_CASE("send/recv pairs on one node and across nodes", "[nccl_call]") {
  for (uint32_t world = 2; world <= 4; ++world) {
    for (uint32_t src = 0; src < world; ++src) {
      for (uint32_t dst = 0; dst < world; ++dst) {
        if (src == dst) continue;
        for (uint64_t count : {0, 5}) {
          CollectiveCase c;
          c.kind = Kind::kSend;
          c.dtype = DataType::kInt32;
          c.world = world;
          c.count = count;
          c.root = src;
          c.peer = dst;
          for (const Nodes& nodes : Splits(world)) CheckCase(c, nodes);
        }
      }
    }
  }
}

// The plan of `c` on one node.
StatusOr<std::vector<NcclRankCalls>> PlanOneNode(const CollectiveCase& c,
                                                 testing::GroupMemory& memory,
                                                 OpPlan* plan_out = nullptr) {
  std::vector<uint32_t> all(c.world);
  for (uint32_t r = 0; r < c.world; ++r) all[r] = r;
  OpPlan plan = NodePlan(c, testing::MakeIo(c, memory), all);
  if (plan_out) *plan_out = plan;
  return PlanNcclCalls(plan);
}

TEST_CASE("in-place gather and scatter leave the root's own block alone", "[nccl_call]") {
  for (Kind kind : {Kind::kGather, Kind::kScatter}) {
    CollectiveCase c;
    c.kind = kind;
    c.world = 3;
    c.count = 4;
    c.root = 1;
    c.in_place = true;
    testing::GroupMemory m = testing::MakeMemory(c, 1);
    auto planned = PlanOneNode(c, m);
    REQUIRE(planned.ok());
    for (const NcclCall& call : planned.value()[1].calls) CHECK(call.peer != 1);
    CHECK(planned.value()[1].calls.size() == 2);
  }
}

TEST_CASE("native collectives are one NCCL call each", "[nccl_call]") {
  for (Kind kind : {Kind::kAllReduce, Kind::kAllGather, Kind::kReduceScatter,
                    Kind::kReduce, Kind::kBroadcast}) {
    CollectiveCase c = Cases(kind, 4).back();
    testing::GroupMemory m = testing::MakeMemory(c, 1);
    auto planned = PlanOneNode(c, m);
    REQUIRE(planned.ok());
    for (const NcclRankCalls& rc : planned.value()) CHECK(rc.calls.size() == 1);
  }
}

Status PlanError(OpPlan plan) { return PlanNcclCalls(plan).status(); }

TEST_CASE("plans NCCL cannot run are refused with the reason", "[nccl_call]") {
  CollectiveCase c;
  c.kind = Kind::kAllReduce;
  c.world = 2;
  c.count = 3;
  testing::GroupMemory m = testing::MakeMemory(c, 1);
  OpPlan ok;
  REQUIRE(PlanOneNode(c, m, &ok).ok());

  OpPlan p = ok;
  p.kind = Kind::kBarrier;
  CHECK(PlanError(p).code() == StatusCode::kInvalidArgument);
  CHECK_THAT(PlanError(p).message(), Catch::Contains("barrier"));

  p = ok;
  p.ranks.clear();
  p.group_ranks.clear();
  CHECK(PlanError(p).code() == StatusCode::kInvalidArgument);

  p = ok;
  p.ranks[1].gpu = -1;
  CHECK_THAT(PlanError(p).message(), Catch::Contains("host buffers"));

  p = ok;
  p.group_ranks = {0, 0};
  CHECK(PlanError(p).code() == StatusCode::kInvalidArgument);
  p.group_ranks = {0, 2};
  CHECK_THAT(PlanError(p).message(), Catch::Contains("out of range"));
  p.group_ranks = {0};
  CHECK_THAT(PlanError(p).message(), Catch::Contains("group_ranks"));

  p = ok;
  p.dtype = static_cast<DataType>(99);
  CHECK_THAT(PlanError(p).message(), Catch::Contains("data type"));

  p = ok;
  p.op = static_cast<ReduceOp>(99);
  CHECK_THAT(PlanError(p).message(), Catch::Contains("reduce op"));

  p = ok;
  p.kind = Kind::kBroadcast;
  p.root = 2;
  CHECK_THAT(PlanError(p).message(), Catch::Contains("root 2"));

  p = ok;
  p.kind = Kind::kAllGatherV;
  p.counts = {1, 2, 3};
  CHECK_THAT(PlanError(p).message(), Catch::Contains("counts"));

  p = ok;
  p.kind = Kind::kAllToAllV;
  p.ranks[0].send_counts = {1};
  p.ranks[0].recv_counts = {1, 1};
  CHECK_THAT(PlanError(p).message(), Catch::Contains("one per rank"));

  p = ok;
  p.kind = Kind::kRecv;
  CHECK_THAT(PlanError(p).message(), Catch::Contains("recv"));

  p = ok;
  p.kind = Kind::kSend;
  p.group_ranks = {1, 1};
  CHECK(PlanError(p).code() == StatusCode::kInvalidArgument);

  p = ok;  // one side across nodes, naming itself as the peer
  p.kind = Kind::kSend;
  p.ranks.resize(1);
  p.group_ranks = {1};
  p.peer = 1;
  CHECK_THAT(PlanError(p).message(), Catch::Contains("two ranks"));
}

TEST_CASE("in-place all_to_all is refused unless planned from a copy", "[nccl_call]") {
  for (Kind kind : {Kind::kAllToAll, Kind::kAllToAllV}) {
    CollectiveCase c;
    c.kind = kind;
    c.world = 2;
    c.count = 2;
    c.matrix = MatrixPatterns(2)[0];
    c.in_place = true;
    testing::GroupMemory m = testing::MakeMemory(c, 1);
    Status s = PlanOneNode(c, m).status();
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK_THAT(s.message(), Catch::Contains("in place"));
  }
}

// The simulator itself refuses what NCCL would hang on or race.
TEST_CASE("the NCCL simulator refuses unmatched and racing calls", "[nccl_call]") {
  std::vector<int32_t> a(4), b(4);
  NcclCall send;
  send.kind = NcclCall::Kind::kSend;
  send.send = a.data();
  send.count = 4;
  send.dtype = DataType::kInt32;
  send.peer = 1;
  NcclCall recv = send;
  recv.kind = NcclCall::Kind::kRecv;
  recv.send = nullptr;
  recv.recv = b.data();
  recv.peer = 0;

  std::vector<std::vector<NcclCall>> calls = {{send}, {}};
  CHECK_FALSE(testing::SimulateNccl(calls).ok());  // no recv
  calls[1] = {recv};
  CHECK(testing::SimulateNccl(calls).ok());
  calls[1][0].count = 3;
  CHECK_FALSE(testing::SimulateNccl(calls).ok());  // sizes differ

  NcclCall self_recv = recv;  // receives into what rank 0 sends
  self_recv.recv = a.data();
  self_recv.peer = 1;
  calls = {{send, self_recv}, {recv, send}};
  calls[1][1].peer = 0;
  calls[1][1].send = b.data();
  CHECK_FALSE(testing::SimulateNccl(calls).ok());

  NcclCall all_reduce;
  all_reduce.send = a.data();
  all_reduce.recv = a.data() + 1;  // overlapping, not in place
  all_reduce.count = 2;
  all_reduce.dtype = DataType::kInt32;
  calls = {{all_reduce}};
  CHECK_FALSE(testing::SimulateNccl(calls).ok());
}

}  // namespace
}  // namespace ccs::cuda
