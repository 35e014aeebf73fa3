// The expected layouts below are vLLM 0.14.0's: initialize_model_parallel's
// all_ranks transpose/reshape evaluated for each configuration, and
// get_pp_indices' partitions.
#include "ccs/parallel_layout.h"

#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ccs/error.h"

namespace ccs {
namespace {

using Range = std::pair<uint32_t, uint32_t>;

std::vector<Range> AllStages(uint32_t layers, uint32_t pp_size) {
  std::vector<Range> stages;
  for (uint32_t r = 0; r < pp_size; ++r) {
    stages.push_back(GetPpIndices(layers, r, pp_size));
  }
  return stages;
}

RankGroups Singletons(uint32_t world_size) {
  RankGroups groups;
  for (uint32_t r = 0; r < world_size; ++r) groups.push_back({r});
  return groups;
}

// Runs `call`, requires it to throw INVALID_ARGUMENT, returns the message.
template <typename F>
std::string InvalidArgumentFrom(F&& call) {
  try {
    call();
  } catch (const Error& e) {
    REQUIRE(e.code() == Code::kInvalidArgument);
    return e.message();
  }
  FAIL("expected INVALID_ARGUMENT");
  return {};
}

TEST_CASE("Divide returns the quotient of divisible numbers", "[parallel_layout]") {
  REQUIRE(Divide(12, 4) == 3);
  REQUIRE(Divide(0, 5) == 0);
  REQUIRE_NOTHROW(EnsureDivisibility(4096, 8));
}

TEST_CASE("indivisible numbers fail with INVALID_ARGUMENT naming both",
          "[parallel_layout]") {
  REQUIRE(InvalidArgumentFrom([] { EnsureDivisibility(4, 3); }) ==
          "4 is not divisible by 3");
  REQUIRE(InvalidArgumentFrom([] { Divide(4, 3); }) == "4 is not divisible by 3");
  REQUIRE(InvalidArgumentFrom([] { Divide(4, 0); }) == "4 is not divisible by 0");
}

TEST_CASE("the remainder of the layers goes to the stages before the last",
          "[parallel_layout]") {
  // 10 over 4: 2 each, remainder 2 to partitions[-2] and [-3]: 2,3,3,2.
  REQUIRE(AllStages(10, 4) == std::vector<Range>{{0, 2}, {2, 5}, {5, 8}, {8, 10}});
  // Remainder 3 = pp_size - 1: every stage but the last: 3,3,3,2.
  REQUIRE(AllStages(11, 4) == std::vector<Range>{{0, 3}, {3, 6}, {6, 9}, {9, 11}});
  REQUIRE(AllStages(5, 2) == std::vector<Range>{{0, 3}, {3, 5}});
  REQUIRE(AllStages(32, 5) ==
          std::vector<Range>{{0, 6}, {6, 12}, {12, 19}, {19, 26}, {26, 32}});
  REQUIRE(AllStages(8, 4) == std::vector<Range>{{0, 2}, {2, 4}, {4, 6}, {6, 8}});
  REQUIRE(AllStages(7, 1) == std::vector<Range>{{0, 7}});
}

TEST_CASE("pipeline stages tile the layers and the last stage is never larger",
          "[parallel_layout]") {
  for (uint32_t pp_size = 1; pp_size <= 9; ++pp_size) {
    for (uint32_t layers = pp_size; layers <= 40; ++layers) {
      CAPTURE(layers, pp_size);
      const std::vector<Range> stages = AllStages(layers, pp_size);
      REQUIRE(stages.front().first == 0);
      REQUIRE(stages.back().second == layers);
      for (uint32_t r = 1; r < pp_size; ++r) {
        REQUIRE(stages[r].first == stages[r - 1].second);
      }
      REQUIRE(stages.back().second - stages.back().first == layers / pp_size);
    }
  }
}

TEST_CASE("an explicit partition sets the layers per stage", "[parallel_layout]") {
  const std::vector<uint32_t> partition{4, 2, 2, 2};
  REQUIRE(GetPpIndices(10, 0, 4, partition) == Range{0, 4});
  REQUIRE(GetPpIndices(10, 3, 4, partition) == Range{8, 10});
  REQUIRE_THAT(InvalidArgumentFrom([&] { GetPpIndices(11, 0, 4, partition); }),
               Catch::Contains("10") && Catch::Contains("11"));
  REQUIRE_THAT(InvalidArgumentFrom([&] { GetPpIndices(10, 0, 3, partition); }),
               Catch::Contains("4 stages") && Catch::Contains("pp_size is 3"));
}

TEST_CASE("a pipeline rank outside the pipeline is refused", "[parallel_layout]") {
  REQUIRE_THAT(InvalidArgumentFrom([] { GetPpIndices(10, 4, 4); }),
               Catch::Contains("pp_rank 4") && Catch::Contains("pp_size 4"));
  REQUIRE_THAT(InvalidArgumentFrom([] { GetPpIndices(10, 0, 0); }),
               Catch::Contains("pp_size"));
}

TEST_CASE("world 8, tp 2, pp 2, dp 2 is laid out as vLLM lays it out",
          "[parallel_layout]") {
  const ModelParallelLayout l =
      InitializeModelParallel(8, {.tensor = 2, .pipeline = 2, .data = 2});
  REQUIRE(l.external_data == 1);
  REQUIRE(l.tp == RankGroups{{0, 1}, {2, 3}, {4, 5}, {6, 7}});
  REQUIRE(l.pp == RankGroups{{0, 2}, {1, 3}, {4, 6}, {5, 7}});
  // transpose(1, 4) lists the DP groups by (tp, pp) index, tp outermost.
  REQUIRE(l.dp == RankGroups{{0, 4}, {2, 6}, {1, 5}, {3, 7}});
  REQUIRE(l.ep == RankGroups{{0, 1, 4, 5}, {2, 3, 6, 7}});
  REQUIRE(l.dcp == Singletons(8));
  REQUIRE(l.pcp == Singletons(8));
}

TEST_CASE("vLLM's docstring example: 8 GPUs, tp 2, pp 4", "[parallel_layout]") {
  const ModelParallelLayout l = InitializeModelParallel(8, {.tensor = 2, .pipeline = 4});
  REQUIRE(l.tp == RankGroups{{0, 1}, {2, 3}, {4, 5}, {6, 7}});
  REQUIRE(l.pp == RankGroups{{0, 2, 4, 6}, {1, 3, 5, 7}});
  REQUIRE(l.dp == RankGroups{{0}, {2}, {4}, {6}, {1}, {3}, {5}, {7}});
  REQUIRE(l.ep == RankGroups{{0, 1}, {2, 3}, {4, 5}, {6, 7}});
}

TEST_CASE("decode context groups split each tensor group into consecutive ranks",
          "[parallel_layout]") {
  const ModelParallelLayout l = InitializeModelParallel(
      16, {.tensor = 4, .pipeline = 2, .data = 2, .decode_context = 2});
  REQUIRE(l.tp ==
          RankGroups{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}, {12, 13, 14, 15}});
  REQUIRE(
      l.dcp ==
      RankGroups{{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}, {10, 11}, {12, 13}, {14, 15}});
  REQUIRE(
      l.pp ==
      RankGroups{{0, 4}, {1, 5}, {2, 6}, {3, 7}, {8, 12}, {9, 13}, {10, 14}, {11, 15}});
  REQUIRE(
      l.dp ==
      RankGroups{{0, 8}, {4, 12}, {1, 9}, {5, 13}, {2, 10}, {6, 14}, {3, 11}, {7, 15}});
  // EP spans data x prefill_context x tensor within one pipeline stage.
  REQUIRE(l.ep == RankGroups{{0, 1, 2, 3, 8, 9, 10, 11}, {4, 5, 6, 7, 12, 13, 14, 15}});
}

TEST_CASE("prefill context sits between pipeline and tensor", "[parallel_layout]") {
  const ModelParallelLayout l = InitializeModelParallel(
      16, {.tensor = 2, .pipeline = 2, .data = 2, .prefill_context = 2});
  REQUIRE(
      l.tp ==
      RankGroups{{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}, {10, 11}, {12, 13}, {14, 15}});
  REQUIRE(
      l.pcp ==
      RankGroups{{0, 2}, {1, 3}, {4, 6}, {5, 7}, {8, 10}, {9, 11}, {12, 14}, {13, 15}});
  REQUIRE(
      l.pp ==
      RankGroups{{0, 4}, {2, 6}, {1, 5}, {3, 7}, {8, 12}, {10, 14}, {9, 13}, {11, 15}});
  REQUIRE(
      l.dp ==
      RankGroups{{0, 8}, {2, 10}, {4, 12}, {6, 14}, {1, 9}, {3, 11}, {5, 13}, {7, 15}});
  REQUIRE(l.ep == RankGroups{{0, 1, 2, 3, 8, 9, 10, 11}, {4, 5, 6, 7, 12, 13, 14, 15}});
}

TEST_CASE("a world larger than the model is split into external data replicas",
          "[parallel_layout]") {
  const ModelParallelLayout l = InitializeModelParallel(12, {.tensor = 2, .pipeline = 3});
  REQUIRE(l.external_data == 2);
  REQUIRE(l.pp == RankGroups{{0, 2, 4}, {1, 3, 5}, {6, 8, 10}, {7, 9, 11}});
  REQUIRE(l.dp ==
          RankGroups{{0}, {2}, {4}, {1}, {3}, {5}, {6}, {8}, {10}, {7}, {9}, {11}});
  REQUIRE(l.ep == RankGroups{{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}, {10, 11}});
}

TEST_CASE("a dense model gets no expert groups", "[parallel_layout]") {
  const ModelParallelLayout l = InitializeModelParallel(
      8, {.tensor = 2, .pipeline = 2, .data = 2, .expert = false});
  REQUIRE(l.ep.empty());
  REQUIRE(l.groups(ParallelKind::kExpert).empty());
  REQUIRE(l.groups(ParallelKind::kData) == l.dp);
}

TEST_CASE("every kind of group holds every rank exactly once", "[parallel_layout]") {
  const std::vector<std::pair<uint32_t, ParallelSizes>> configs{
      {8, {.tensor = 2, .pipeline = 2, .data = 2}},
      {24, {.tensor = 4, .pipeline = 3, .data = 2, .decode_context = 4}},
      {48, {.tensor = 2, .pipeline = 2, .data = 3, .prefill_context = 2}},
      {7, {}},
  };
  for (const auto& [world, sizes] : configs) {
    const ModelParallelLayout l = InitializeModelParallel(world, sizes);
    for (ParallelKind kind : {ParallelKind::kTensor, ParallelKind::kDecodeContext,
                              ParallelKind::kPrefillContext, ParallelKind::kPipeline,
                              ParallelKind::kData, ParallelKind::kExpert}) {
      CAPTURE(world, ParallelKindName(kind));
      std::vector<int> seen(world, 0);
      for (const auto& group : l.groups(kind)) {
        for (uint32_t r : group) ++seen[r];
      }
      REQUIRE(seen == std::vector<int>(world, 1));
    }
    REQUIRE(l.ep.front().size() == sizes.data * sizes.prefill_context * sizes.tensor);
  }
}

TEST_CASE("sizes that do not fit the world are refused, naming the numbers",
          "[parallel_layout]") {
  REQUIRE(InvalidArgumentFrom([] {
            InitializeModelParallel(12, {.tensor = 4, .pipeline = 2, .data = 2});
          }) ==
          "world_size 12 is not a multiple of data 2 x pipeline 2 x prefill_context 1 "
          "x tensor 4 = 16");
  REQUIRE(InvalidArgumentFrom(
              [] { InitializeModelParallel(8, {.tensor = 4, .decode_context = 3}); }) ==
          "tensor parallel size 4 is not divisible by decode_context parallel size 3");
  REQUIRE_THAT(InvalidArgumentFrom([] { InitializeModelParallel(8, {.tensor = 0}); }),
               Catch::Contains("tensor parallel size must be at least 1"));
  REQUIRE_THAT(InvalidArgumentFrom([] { InitializeModelParallel(0, {}); }),
               Catch::Contains("world_size"));
}

TEST_CASE("ranks in a group: first, last and the ring", "[parallel_layout]") {
  const GroupLayoutInfo last = MakeGroupLayoutInfo({0, 2, 4, 6}, 6);
  REQUIRE(last.rank_in_group == 3);
  REQUIRE(last.world_size() == 4);
  REQUIRE(last.first_rank() == 0);
  REQUIRE(last.last_rank() == 6);
  REQUIRE(last.is_last_rank());
  REQUIRE_FALSE(last.is_first_rank());
  REQUIRE(last.next_rank() == 0);
  REQUIRE(last.prev_rank() == 4);

  const GroupLayoutInfo first = MakeGroupLayoutInfo({0, 2, 4, 6}, 0);
  REQUIRE(first.is_first_rank());
  REQUIRE_FALSE(first.is_last_rank());
  REQUIRE(first.next_rank() == 2);
  REQUIRE(first.prev_rank() == 6);

  const GroupLayoutInfo alone = MakeGroupLayoutInfo({5}, 5);
  REQUIRE(alone.is_first_rank());
  REQUIRE(alone.is_last_rank());
  REQUIRE(alone.next_rank() == 5);
  REQUIRE(alone.prev_rank() == 5);
}

TEST_CASE("a group must be non-empty, without repeats, and hold the caller",
          "[parallel_layout]") {
  REQUIRE_THAT(InvalidArgumentFrom([] {
                 MakeGroupLayoutInfo({1, 3}, 2);
               }),
               Catch::Contains("rank 2 is not in the group"));
  REQUIRE_THAT(InvalidArgumentFrom([] {
                 MakeGroupLayoutInfo({1, 3, 1}, 1);
               }),
               Catch::Contains("rank 1 appears twice"));
  REQUIRE_THAT(InvalidArgumentFrom([] { MakeGroupLayoutInfo({}, 0); }),
               Catch::Contains("at least one rank"));
  REQUIRE_THAT(InvalidArgumentFrom([] {
                 GroupIndexOf({{0, 1}, {2, 3}}, 4);
               }),
               Catch::Contains("rank 4"));
}

TEST_CASE("node placement: local ranks, node counts, same-node flags",
          "[parallel_layout]") {
  // Two nodes of four ranks, laid out as world 8, tp 2, pp 2, dp 2.
  const std::vector<std::string> hosts{"a", "a", "a", "a", "b", "b", "b", "b"};
  const std::vector<uint32_t> node_of = NodeIdsFromNames(hosts);
  REQUIRE(node_of == std::vector<uint32_t>{0, 0, 0, 0, 1, 1, 1, 1});
  REQUIRE(LocalRank(node_of, 3) == 3);
  REQUIRE(LocalRank(node_of, 5) == 1);
  REQUIRE(IsLocalFirstRank(node_of, 4));
  REQUIRE_FALSE(IsLocalFirstRank(node_of, 5));

  const ModelParallelLayout l =
      InitializeModelParallel(8, {.tensor = 2, .pipeline = 2, .data = 2});
  const GroupLayoutInfo tp = MakeGroupLayoutInfo(l.tp[GroupIndexOf(l.tp, 5)], 5);
  const GroupLayoutInfo dp = MakeGroupLayoutInfo(l.dp[GroupIndexOf(l.dp, 5)], 5);
  const GroupLayoutInfo ep = MakeGroupLayoutInfo(l.ep[GroupIndexOf(l.ep, 5)], 5);
  REQUIRE(NodeCount(tp, node_of) == 1);
  REQUIRE(NodeCount(dp, node_of) == 2);
  REQUIRE(ep.ranks == std::vector<uint32_t>{0, 1, 4, 5});
  REQUIRE(InTheSameNodeAs(ep, node_of) == std::vector<bool>{true, true, false, false});
  REQUIRE(InTheSameNodeAs(ep, node_of, 2) == std::vector<bool>{false, false, true, true});
}

TEST_CASE("node ids number host names by first appearance", "[parallel_layout]") {
  const std::vector<std::string> hosts{"n2", "n1", "n2", "n3", "n1"};
  REQUIRE(NodeIdsFromNames(hosts) == std::vector<uint32_t>{0, 1, 0, 2, 1});
}

TEST_CASE("node queries refuse ranks without a node", "[parallel_layout]") {
  const std::vector<uint32_t> node_of{0, 0, 1};
  const GroupLayoutInfo group = MakeGroupLayoutInfo({0, 3}, 0);
  REQUIRE_THAT(InvalidArgumentFrom([&] { NodeCount(group, node_of); }),
               Catch::Contains("rank 3 has no node") && Catch::Contains("3 entries"));
  REQUIRE_THAT(InvalidArgumentFrom([&] { LocalRank(node_of, 7); }),
               Catch::Contains("rank 7"));
  REQUIRE_THAT(InvalidArgumentFrom([&] { InTheSameNodeAs(group, node_of, 2); }),
               Catch::Contains("source_rank 2"));
}

TEST_CASE("a rank joins one named group per kind, in vLLM's creation order",
          "[parallel_layout]") {
  const ModelParallelLayout l =
      InitializeModelParallel(8, {.tensor = 2, .pipeline = 2, .data = 2});
  const std::vector<GroupJoin> joins = PlanModelParallelJoins(l, 5, "job7");
  REQUIRE(joins.size() == 6);
  const std::vector<std::tuple<std::string, uint32_t, uint32_t>> expected{
      {"job7/tp/2", 2, 1},                                              // [4,5]
      {"job7/dcp/5", 1, 0}, {"job7/pcp/5", 1, 0}, {"job7/pp/3", 2, 0},  // [5,7]
      {"job7/dp/2", 2, 1},                                              // [1,5]
      {"job7/ep/0", 4, 3},                                              // [0,1,4,5]
  };
  for (size_t i = 0; i < joins.size(); ++i) {
    CAPTURE(i);
    REQUIRE(std::tuple(joins[i].name, joins[i].world_size, joins[i].rank) == expected[i]);
  }
  REQUIRE(joins[0].kind == ParallelKind::kTensor);
  REQUIRE(joins[5].kind == ParallelKind::kExpert);
}

TEST_CASE("a dense model joins no expert group; a rank outside the world none",
          "[parallel_layout]") {
  const ModelParallelLayout dense =
      InitializeModelParallel(4, {.tensor = 2, .pipeline = 2, .expert = false});
  const std::vector<GroupJoin> joins = PlanModelParallelJoins(dense, 3, "m");
  REQUIRE(joins.size() == 5);
  REQUIRE(joins.back().name == "m/dp/3");
  REQUIRE_THAT(InvalidArgumentFrom([&] { PlanModelParallelJoins(dense, 4, "m"); }),
               Catch::Contains("rank 4"));
}

}  // namespace
}  // namespace ccs
