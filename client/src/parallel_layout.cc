#include "ccs/parallel_layout.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "ccs/client.h"
#include "ccs/error.h"

namespace ccs {
namespace {

[[noreturn]] void ThrowInvalid(std::string message) {
  throw Error(Code::kInvalidArgument, std::move(message));
}

uint64_t SaturatingMultiply(uint64_t a, uint64_t b) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) {
    return std::numeric_limits<uint64_t>::max();
  }
  return a * b;
}

// vLLM's all_ranks: arange(prod(shape)).reshape(shape), dimensions
// (external data, data, pipeline, prefill context, tensor).
using Shape = std::array<uint64_t, 5>;

// all_ranks.transpose(a, b).reshape(-1, group_size).unbind(0), as lists.
// Element i of the transposed tensor (row-major over the transposed shape)
// sits at the swapped multi-index of all_ranks, whose value is its row-major
// offset there. a == b is the plain reshape. group_size divides the total.
RankGroups TransposedGroups(const Shape& shape, size_t a, size_t b, uint64_t group_size) {
  Shape transposed = shape;
  std::swap(transposed[a], transposed[b]);
  const uint64_t total = std::accumulate(shape.begin(), shape.end(), uint64_t{1},
                                         std::multiplies<uint64_t>());
  RankGroups groups(total / group_size);
  for (auto& group : groups) group.reserve(group_size);
  for (uint64_t i = 0; i < total; ++i) {
    Shape index{};
    uint64_t rest = i;
    for (size_t d = index.size(); d-- > 0;) {
      index[d] = rest % transposed[d];
      rest /= transposed[d];
    }
    std::swap(index[a], index[b]);
    uint64_t value = 0;
    for (size_t d = 0; d < index.size(); ++d) value = value * shape[d] + index[d];
    groups[i / group_size].push_back(static_cast<uint32_t>(value));
  }
  return groups;
}

void CheckSizes(uint32_t world_size, const ParallelSizes& s) {
  const std::array<std::pair<const char*, uint32_t>, 5> sizes{{
      {"tensor", s.tensor},
      {"pipeline", s.pipeline},
      {"data", s.data},
      {"prefill_context", s.prefill_context},
      {"decode_context", s.decode_context},
  }};
  for (const auto& [name, size] : sizes) {
    if (size == 0) ThrowInvalid(std::string(name) + " parallel size must be at least 1");
  }
  if (world_size == 0) ThrowInvalid("world_size must be at least 1");
  uint64_t product = 1;
  for (uint32_t size : {s.data, s.pipeline, s.prefill_context, s.tensor}) {
    product = SaturatingMultiply(product, size);
  }
  if (world_size % product != 0) {
    ThrowInvalid("world_size " + std::to_string(world_size) +
                 " is not a multiple of data " + std::to_string(s.data) + " x pipeline " +
                 std::to_string(s.pipeline) + " x prefill_context " +
                 std::to_string(s.prefill_context) + " x tensor " +
                 std::to_string(s.tensor) + " = " + std::to_string(product));
  }
  if (s.tensor % s.decode_context != 0) {
    ThrowInvalid("tensor parallel size " + std::to_string(s.tensor) +
                 " is not divisible by decode_context parallel size " +
                 std::to_string(s.decode_context));
  }
}

void CheckCovered(std::span<const uint32_t> node_of, uint32_t global_rank) {
  if (global_rank >= node_of.size()) {
    ThrowInvalid("rank " + std::to_string(global_rank) + " has no node: node_of has " +
                 std::to_string(node_of.size()) + " entries");
  }
}

}  // namespace

void EnsureDivisibility(uint64_t numerator, uint64_t denominator) {
  if (denominator == 0 || numerator % denominator != 0) {
    ThrowInvalid(std::to_string(numerator) + " is not divisible by " +
                 std::to_string(denominator));
  }
}

uint64_t Divide(uint64_t numerator, uint64_t denominator) {
  EnsureDivisibility(numerator, denominator);
  return numerator / denominator;
}

std::pair<uint32_t, uint32_t> GetPpIndices(uint32_t num_hidden_layers, uint32_t pp_rank,
                                           uint32_t pp_size) {
  if (pp_size == 0) ThrowInvalid("pp_size must be at least 1");
  std::vector<uint32_t> partition(pp_size, num_hidden_layers / pp_size);
  // vLLM: for i in range(2, remaining + 2): partitions[-i] += 1
  const uint32_t remaining = num_hidden_layers % pp_size;
  for (uint32_t i = 2; i < remaining + 2; ++i) ++partition[pp_size - i];
  return GetPpIndices(num_hidden_layers, pp_rank, pp_size, partition);
}

std::pair<uint32_t, uint32_t> GetPpIndices(uint32_t num_hidden_layers, uint32_t pp_rank,
                                           uint32_t pp_size,
                                           std::span<const uint32_t> partition) {
  if (partition.size() != pp_size) {
    ThrowInvalid("the partition has " + std::to_string(partition.size()) +
                 " stages, pp_size is " + std::to_string(pp_size));
  }
  const uint64_t sum = std::accumulate(partition.begin(), partition.end(), uint64_t{0});
  if (sum != num_hidden_layers) {
    ThrowInvalid("the partition sums to " + std::to_string(sum) +
                 " layers, num_hidden_layers is " + std::to_string(num_hidden_layers));
  }
  if (pp_rank >= pp_size) {
    ThrowInvalid("pp_rank " + std::to_string(pp_rank) + " is not below pp_size " +
                 std::to_string(pp_size));
  }
  const uint32_t start =
      std::accumulate(partition.begin(), partition.begin() + pp_rank, uint32_t{0});
  return {start, start + partition[pp_rank]};
}

std::string_view ParallelKindName(ParallelKind kind) {
  switch (kind) {
    case ParallelKind::kTensor:
      return "tp";
    case ParallelKind::kDecodeContext:
      return "dcp";
    case ParallelKind::kPrefillContext:
      return "pcp";
    case ParallelKind::kPipeline:
      return "pp";
    case ParallelKind::kData:
      return "dp";
    case ParallelKind::kExpert:
      return "ep";
  }
  return "?";
}

const RankGroups& ModelParallelLayout::groups(ParallelKind kind) const {
  switch (kind) {
    case ParallelKind::kTensor:
      return tp;
    case ParallelKind::kDecodeContext:
      return dcp;
    case ParallelKind::kPrefillContext:
      return pcp;
    case ParallelKind::kPipeline:
      return pp;
    case ParallelKind::kData:
      return dp;
    case ParallelKind::kExpert:
      return ep;
  }
  return ep;
}

ModelParallelLayout InitializeModelParallel(uint32_t world_size,
                                            const ParallelSizes& sizes) {
  CheckSizes(world_size, sizes);
  ModelParallelLayout layout;
  layout.world_size = world_size;
  layout.sizes = sizes;
  layout.external_data =
      world_size / (sizes.data * sizes.pipeline * sizes.prefill_context * sizes.tensor);
  const Shape shape{layout.external_data, sizes.data, sizes.pipeline,
                    sizes.prefill_context, sizes.tensor};
  layout.tp = TransposedGroups(shape, 4, 4, sizes.tensor);
  layout.dcp = TransposedGroups(shape, 4, 4, sizes.decode_context);
  layout.pcp = TransposedGroups(shape, 3, 4, sizes.prefill_context);
  layout.pp = TransposedGroups(shape, 2, 4, sizes.pipeline);
  layout.dp = TransposedGroups(shape, 1, 4, sizes.data);
  if (sizes.expert) {
    layout.ep = TransposedGroups(
        shape, 1, 2, uint64_t{sizes.data} * sizes.prefill_context * sizes.tensor);
  }
  return layout;
}

size_t GroupIndexOf(const RankGroups& groups, uint32_t global_rank) {
  for (size_t i = 0; i < groups.size(); ++i) {
    if (std::find(groups[i].begin(), groups[i].end(), global_rank) != groups[i].end()) {
      return i;
    }
  }
  ThrowInvalid("rank " + std::to_string(global_rank) + " is in none of the " +
               std::to_string(groups.size()) + " groups");
}

GroupLayoutInfo MakeGroupLayoutInfo(std::vector<uint32_t> ranks, uint32_t global_rank) {
  if (ranks.empty()) ThrowInvalid("a group needs at least one rank");
  std::vector<uint32_t> sorted = ranks;
  std::sort(sorted.begin(), sorted.end());
  const auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
  if (repeated != sorted.end()) {
    ThrowInvalid("rank " + std::to_string(*repeated) + " appears twice in the group");
  }
  const auto it = std::find(ranks.begin(), ranks.end(), global_rank);
  if (it == ranks.end()) {
    ThrowInvalid("rank " + std::to_string(global_rank) + " is not in the group");
  }
  GroupLayoutInfo info;
  info.rank_in_group = static_cast<uint32_t>(it - ranks.begin());
  info.rank = global_rank;
  info.ranks = std::move(ranks);
  return info;
}

std::vector<uint32_t> NodeIdsFromNames(std::span<const std::string> names) {
  std::unordered_map<std::string, uint32_t> ids;
  std::vector<uint32_t> node_of;
  node_of.reserve(names.size());
  for (const std::string& name : names) {
    node_of.push_back(ids.emplace(name, static_cast<uint32_t>(ids.size())).first->second);
  }
  return node_of;
}

uint32_t LocalRank(std::span<const uint32_t> node_of, uint32_t global_rank) {
  CheckCovered(node_of, global_rank);
  return static_cast<uint32_t>(
      std::count(node_of.begin(), node_of.begin() + global_rank, node_of[global_rank]));
}

bool IsLocalFirstRank(std::span<const uint32_t> node_of, uint32_t global_rank) {
  return LocalRank(node_of, global_rank) == 0;
}

uint32_t NodeCount(const GroupLayoutInfo& group, std::span<const uint32_t> node_of) {
  std::vector<uint32_t> nodes;
  for (uint32_t r : group.ranks) {
    CheckCovered(node_of, r);
    nodes.push_back(node_of[r]);
  }
  std::sort(nodes.begin(), nodes.end());
  return static_cast<uint32_t>(std::unique(nodes.begin(), nodes.end()) - nodes.begin());
}

std::vector<bool> InTheSameNodeAs(const GroupLayoutInfo& group,
                                  std::span<const uint32_t> node_of,
                                  uint32_t source_rank) {
  if (source_rank >= group.world_size()) {
    ThrowInvalid("source_rank " + std::to_string(source_rank) +
                 " is not a rank of a group of " + std::to_string(group.world_size()));
  }
  CheckCovered(node_of, group.ranks[source_rank]);
  const uint32_t source_node = node_of[group.ranks[source_rank]];
  std::vector<bool> same;
  same.reserve(group.ranks.size());
  for (uint32_t r : group.ranks) {
    CheckCovered(node_of, r);
    same.push_back(node_of[r] == source_node);
  }
  return same;
}

namespace {

constexpr ParallelKind kCreationOrder[] = {
    ParallelKind::kTensor, ParallelKind::kDecodeContext, ParallelKind::kPrefillContext,
    ParallelKind::kPipeline, ParallelKind::kData, ParallelKind::kExpert};

std::unique_ptr<Group>& Slot(ModelParallelGroups& groups, ParallelKind kind) {
  switch (kind) {
    case ParallelKind::kTensor: return groups.tp;
    case ParallelKind::kDecodeContext: return groups.dcp;
    case ParallelKind::kPrefillContext: return groups.pcp;
    case ParallelKind::kPipeline: return groups.pp;
    case ParallelKind::kData: return groups.dp;
    case ParallelKind::kExpert: return groups.ep;
  }
  return groups.ep;
}

}  // namespace

std::vector<GroupJoin> PlanModelParallelJoins(const ModelParallelLayout& layout,
                                              uint32_t global_rank,
                                              const std::string& prefix) {
  std::vector<GroupJoin> joins;
  for (ParallelKind kind : kCreationOrder) {
    const RankGroups& groups = layout.groups(kind);
    if (groups.empty()) continue;
    const size_t index = GroupIndexOf(groups, global_rank);
    const GroupLayoutInfo info = MakeGroupLayoutInfo(groups[index], global_rank);
    joins.push_back(
        {kind,
         prefix + "/" + std::string(ParallelKindName(kind)) + "/" + std::to_string(index),
         info.world_size(), info.rank_in_group});
  }
  return joins;
}


ModelParallelGroups JoinModelParallelGroups(Client& client,
                                            const ModelParallelLayout& layout,
                                            uint32_t global_rank,
                                            const std::string& prefix,
                                            std::chrono::milliseconds timeout) {
  ModelParallelGroups groups;
  for (const GroupJoin& join : PlanModelParallelJoins(layout, global_rank, prefix)) {
    Slot(groups, join.kind) = client.JoinGroup(join.name, join.world_size, join.rank, timeout);
  }
  return groups;
}

ModelParallelGroups SplitModelParallelGroups(Group& world, const ModelParallelLayout& layout,
                                             std::chrono::milliseconds timeout) {
  if (world.size() != layout.world_size) {
    throw Error(Code::kInvalidArgument,
                "group " + world.name() + " has " + std::to_string(world.size()) +
                    " ranks but the layout is for a world of " +
                    std::to_string(layout.world_size));
  }
  ModelParallelGroups groups;
  for (ParallelKind kind : kCreationOrder) {
    const RankGroups& kind_groups = layout.groups(kind);
    if (kind_groups.empty()) continue;
    const size_t index = GroupIndexOf(kind_groups, world.rank());
    const GroupLayoutInfo info = MakeGroupLayoutInfo(kind_groups[index], world.rank());
    SubgroupOptions options;
    options.name = world.name() + "/" + std::string(ParallelKindName(kind));
    options.timeout = timeout;
    Slot(groups, kind) = world.Split(static_cast<int32_t>(index),
                                     static_cast<int32_t>(info.rank_in_group), options);
  }
  return groups;
}

}  // namespace ccs
