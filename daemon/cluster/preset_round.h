// PresetRound: the formation round of a subgroup whose members a parent
// group decided (Cluster::PresetRound): no rank registers in the Store; the
// round forms once this node's ranks joined, and Connect links the
// subgroup's nodes under keys of its own.
#pragma once

#include <memory>
#include <vector>

#include "daemon/cluster/store_cluster.h"
#include "daemon/cluster/wire.h"

namespace ccs::cluster {

// `members` (index = rank in the subgroup) must name this node
// (options.node_name) for at least one rank; `keys` must be unique per
// subgroup of a parent epoch and equal on every node.
std::unique_ptr<FormationRound> MakePresetRound(std::shared_ptr<rendezvous::Store> store,
                                                Engine* local, const ClusterOptions& options,
                                                GroupKeys keys, std::vector<RankRecord> members);

}  // namespace ccs::cluster
