// StoreRound: one formation round of a multi-node group, kept in the Store.
//
// Keys (wire.h, under ccs/groups/<name>/): "round" holds "<epoch>:open"
// while a round accepts ranks and "<epoch>:closed" after; "epochs" counts
// epochs. Per round: "<E>/world" (world size, first writer wins), "<E>/rank/<r>"
// (RankRecord, first writer wins), "<E>/joined" (count of registered ranks)
// and "<E>/result" ("ok" or the failure), written once by compare-and-set:
// whoever registers the last rank writes "ok", a node whose formation fails
// first writes its Status. Every node waits on "<E>/result".
#pragma once

#include <memory>
#include <string>

#include "daemon/cluster/store_cluster.h"
#include "daemon/cluster/wire.h"

namespace ccs::cluster {

// Joins the open round of `keys.name` or opens the next epoch.
StatusOr<std::unique_ptr<FormationRound>> OpenStoreRound(
    std::shared_ptr<rendezvous::Store> store, Engine* local, const ClusterOptions& options,
    const GroupKeys& keys, uint32_t world_size);

}  // namespace ccs::cluster
