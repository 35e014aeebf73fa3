// SetUpCluster: the multi-node side of a daemon, from its configuration.
#pragma once

#include <memory>
#include <string>

#include "daemon/core/cluster.h"
#include "daemon/core/config.h"
#include "daemon/core/link_observer.h"
#include "daemon/engine/engine.h"
#include "daemon/rendezvous/memory_store.h"

namespace ccs::cluster {

struct ClusterSetup {
  // Null for a single-node daemon (no `rendezvous` configured).
  std::unique_ptr<Cluster> cluster;
  // The embedded store, on the rendezvous root only; the daemon serves it
  // on its peer listener.
  std::shared_ptr<rendezvous::MemoryStore> root_store;
  // The cluster's store (root_store on the root, the root's over gRPC
  // elsewhere), shared with the metadata plane; null for a single node.
  std::shared_ptr<rendezvous::Store> store;
  std::string node_name;
  std::string peer_advertise;
};

// INVALID_ARGUMENT naming the option when `rendezvous`, `peer_listen` and
// `peer_advertise` do not fit together. Never blocks: the store of a
// non-root daemon connects lazily. `local` and `links` (may be null: no
// network metrics) must outlive the cluster.
StatusOr<ClusterSetup> SetUpCluster(const Config& config, Engine* local,
                                    LinkObserver* links = nullptr);

}  // namespace ccs::cluster
