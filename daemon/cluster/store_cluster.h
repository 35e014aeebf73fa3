// StoreCluster: the Cluster of daemons that share one rendezvous Store (the
// embedded store of the rendezvous root, or a RemoteStore to it). Groups
// form in rounds written into the store (see store_round.h) and move data
// between nodes with Gloo (group_network.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "daemon/core/cluster.h"
#include "daemon/core/link_observer.h"
#include "daemon/engine/engine.h"
#include "daemon/rendezvous/store.h"

namespace ccs::cluster {

struct ClusterOptions {
  std::string node_name;     // unique per daemon of the cluster
  std::string peer_address;  // host:port other daemons reach this one at
  // Host or address this daemon's Gloo connections listen on (the host of
  // peer_address by default).
  std::string data_host;
  // Upper bound of one data step between nodes (the op timeout).
  std::chrono::milliseconds op_timeout{300'000};
  // Pipelining unit of large ops between nodes.
  size_t chunk_bytes = size_t{4} << 20;
  // Told about every network step of every group; may be null. Must
  // outlive the cluster and its groups.
  LinkObserver* link_observer = nullptr;
};

// `store` is shared with the caller; `local` executes node steps and must
// outlive the cluster and every group network it makes.
std::unique_ptr<Cluster> MakeStoreCluster(std::shared_ptr<rendezvous::Store> store,
                                          Engine* local, ClusterOptions options);

}  // namespace ccs::cluster
