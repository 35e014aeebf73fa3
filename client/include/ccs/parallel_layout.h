// Model-parallel layout helpers with vLLM's semantics: which global ranks form
// each tensor (TP), decode-context (DCP), prefill-context (PCP), pipeline (PP),
// data (DP) and expert (EP) parallel group, how layers split across pipeline
// stages, and the per-group rank properties of vLLM's GroupCoordinator.
//
// Followed: vLLM 0.14.0 (PyPI wheel, __commit_id__ gb17039bcc),
// vllm/distributed/parallel_state.py (initialize_model_parallel,
// GroupCoordinator, in_the_same_node_as, is_local_first_rank) and
// vllm/distributed/utils.py (ensure_divisibility, divide, get_pp_indices).
//
// Everything here except JoinModelParallelGroups and SplitModelParallelGroups
// is pure: no daemon, no I/O,
// thread-safe. Invalid arguments throw ccs::Error with INVALID_ARGUMENT and a
// message naming the numbers.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ccs/group.h"

namespace ccs {

class Client;

// vLLM's ensure_divisibility: throws INVALID_ARGUMENT "N is not divisible by D"
// unless denominator != 0 and numerator % denominator == 0.
void EnsureDivisibility(uint64_t numerator, uint64_t denominator);
// vLLM's divide: EnsureDivisibility, then numerator / denominator.
uint64_t Divide(uint64_t numerator, uint64_t denominator);

// vLLM's get_pp_indices: the layers [start, end) of pipeline stage pp_rank.
// Layers split evenly; the remainder r goes one layer each to the r stages
// before the last, walking backwards from the second to last (10 layers over
// 4 stages: 2,3,3,2). Requires pp_size > 0 and pp_rank < pp_size.
std::pair<uint32_t, uint32_t> GetPpIndices(uint32_t num_hidden_layers, uint32_t pp_rank,
                                           uint32_t pp_size);
// The same with an explicit partition (layers per stage), vLLM's
// VLLM_PP_LAYER_PARTITION: partition.size() must be pp_size and its sum
// num_hidden_layers.
std::pair<uint32_t, uint32_t> GetPpIndices(uint32_t num_hidden_layers, uint32_t pp_rank,
                                           uint32_t pp_size,
                                           std::span<const uint32_t> partition);

// The sizes of initialize_model_parallel (vLLM's parallel_config names).
// Every size must be >= 1.
struct ParallelSizes {
  uint32_t tensor = 1;
  uint32_t pipeline = 1;
  uint32_t data = 1;
  uint32_t prefill_context = 1;
  // vLLM requires tensor % decode_context == 0 (DCP splits each TP group).
  uint32_t decode_context = 1;
  // vLLM builds the EP groups only for MoE models; false leaves `ep` empty.
  bool expert = true;
};

// Rank lists of one kind of group: groups[i] is group i's global ranks in
// group-rank order.
using RankGroups = std::vector<std::vector<uint32_t>>;

enum class ParallelKind {
  kTensor,
  kDecodeContext,
  kPrefillContext,
  kPipeline,
  kData,
  kExpert
};
// "tp", "dcp", "pcp", "pp", "dp", "ep" (vLLM's group names).
std::string_view ParallelKindName(ParallelKind kind);

// The groups of every kind, in vLLM's order of groups and of ranks in them.
struct ModelParallelLayout {
  uint32_t world_size = 0;
  ParallelSizes sizes;
  // vLLM's "ExternalDP": world_size / (data * pipeline * prefill_context * tensor).
  uint32_t external_data = 1;
  RankGroups tp, dcp, pcp, pp, dp, ep;

  const RankGroups& groups(ParallelKind kind) const;
};

// vLLM's initialize_model_parallel, as rank lists. Global ranks are laid out
//   rank = (((x * data + d) * pipeline + p) * prefill_context + c) * tensor + t
// i.e. all_ranks = arange(world_size).reshape(-1, data, pipeline,
// prefill_context, tensor) (x: external data index). A TP, PCP, PP or DP
// group varies that one index with the others fixed; DCP groups are runs of
// decode_context consecutive ranks (each TP group split in tensor /
// decode_context); an EP group varies d, c and t with x and p fixed. Groups
// are listed in the row-major order vLLM's transpose/reshape gives them:
//   tp:  reshape(-1, tensor)                       consecutive ranks
//   dcp: reshape(-1, decode_context)               consecutive ranks
//   pcp: transpose(3,4).reshape(-1, prefill_context)
//   pp:  transpose(2,4).reshape(-1, pipeline)
//   dp:  transpose(1,4).reshape(-1, data)
//   ep:  transpose(1,2).reshape(-1, data * prefill_context * tensor)
// Worked example, world_size 8, tensor 2, pipeline 2, data 2:
//   tp [0,1] [2,3] [4,5] [6,7]       pp [0,2] [1,3] [4,6] [5,7]
//   dp [0,4] [2,6] [1,5] [3,7]       ep [0,1,4,5] [2,3,6,7]
//   dcp, pcp (size 1): [0] [1] ... [7]
// Throws INVALID_ARGUMENT unless every size >= 1, world_size is a multiple of
// data * pipeline * prefill_context * tensor, and tensor % decode_context == 0.
ModelParallelLayout InitializeModelParallel(uint32_t world_size,
                                            const ParallelSizes& sizes);

// Index of the group in `groups` that holds global_rank; INVALID_ARGUMENT if
// none does.
size_t GroupIndexOf(const RankGroups& groups, uint32_t global_rank);

// One group as seen by one member: vLLM GroupCoordinator's rank properties.
struct GroupLayoutInfo {
  std::vector<uint32_t> ranks;  // global ranks in group-rank order
  uint32_t rank = 0;            // this process's global rank
  uint32_t rank_in_group = 0;   // its index in `ranks`

  uint32_t world_size() const { return static_cast<uint32_t>(ranks.size()); }
  uint32_t first_rank() const { return ranks.front(); }
  uint32_t last_rank() const { return ranks.back(); }
  bool is_first_rank() const { return rank == first_rank(); }
  bool is_last_rank() const { return rank == last_rank(); }
  // Global ranks after and before this one, around the ring of `ranks`.
  uint32_t next_rank() const { return ranks[(rank_in_group + 1) % ranks.size()]; }
  uint32_t prev_rank() const {
    return ranks[(rank_in_group + ranks.size() - 1) % ranks.size()];
  }
};

// INVALID_ARGUMENT if `ranks` is empty, repeats a rank, or lacks global_rank.
GroupLayoutInfo MakeGroupLayoutInfo(std::vector<uint32_t> ranks, uint32_t global_rank);

// Node placement. `node_of[r]` is the node of global rank r (any id; equal
// ids mean the same node). The functions below throw INVALID_ARGUMENT for a
// rank not covered by node_of.

// Node ids from per-rank host names: equal names get equal ids, numbered in
// order of first appearance.
std::vector<uint32_t> NodeIdsFromNames(std::span<const std::string> names);
// The local rank vLLM assigns devices by (and hands every group): how many
// lower global ranks share global_rank's node.
uint32_t LocalRank(std::span<const uint32_t> node_of, uint32_t global_rank);
// vLLM's is_local_first_rank: LocalRank(...) == 0.
bool IsLocalFirstRank(std::span<const uint32_t> node_of, uint32_t global_rank);
// How many distinct nodes the group's ranks are on (vLLM's _node_count).
uint32_t NodeCount(const GroupLayoutInfo& group, std::span<const uint32_t> node_of);
// vLLM's in_the_same_node_as(group, source_rank): element i says whether
// group rank i is on the node of group rank source_rank (a rank in group).
std::vector<bool> InTheSameNodeAs(const GroupLayoutInfo& group,
                                  std::span<const uint32_t> node_of,
                                  uint32_t source_rank = 0);

// One group this rank joins: name "<prefix>/<kind>/<index in kind>".
struct GroupJoin {
  ParallelKind kind;
  std::string name;
  uint32_t world_size = 0;
  uint32_t rank = 0;  // rank in group
};
// The groups global_rank belongs to, one per kind in vLLM's creation order
// tp, dcp, pcp, pp, dp, ep (no ep when the layout has none).
std::vector<GroupJoin> PlanModelParallelJoins(const ModelParallelLayout& layout,
                                              uint32_t global_rank,
                                              const std::string& prefix);

// This rank's membership in each kind; ep is null when the layout has none.
struct ModelParallelGroups {
  std::unique_ptr<Group> tp, dcp, pcp, pp, dp, ep;
};

// Joins, through Client::JoinGroup and in PlanModelParallelJoins' order, every
// group global_rank belongs to, groups of one rank included; blocks until all
// have formed. Every rank of the job must call it with the same layout and
// prefix: each rank is in exactly one group per kind and all join the kinds
// in the same order, so the sequence cannot deadlock. Each group forms with
// its own rendezvous round in the daemon (one JoinGroup each, `timeout` each,
// 0: the daemon's join timeout). Throws the first JoinGroup's Error; groups
// already joined are then left (which breaks them for their other ranks).
ModelParallelGroups JoinModelParallelGroups(Client& client,
                                            const ModelParallelLayout& layout,
                                            uint32_t global_rank,
                                            const std::string& prefix,
                                            std::chrono::milliseconds timeout = {});

// The same groups as subgroups of `world` (a group of layout.world_size
// ranks; this rank is world.rank()), each kind one world.Split in
// PlanModelParallelJoins' order: no rendezvous round per group, the daemons
// form them from what they know of `world`. Named "<world name>/<kind>/<index
// in kind>". Collective over `world`: every rank calls it with the same
// layout. INVALID_ARGUMENT when world and layout sizes differ; a failed
// Split throws its Error.
ModelParallelGroups SplitModelParallelGroups(Group& world, const ModelParallelLayout& layout,
                                             std::chrono::milliseconds timeout = {});

}  // namespace ccs
