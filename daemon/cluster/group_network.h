// GlooGroupNetwork: a formed multi-node group epoch: its topology, the Gloo
// connections among its nodes and the cross-node collectives over them.
//
// When the group breaks on any node, that node writes the reason under
// "<E>/broken" (first writer wins) and closes its connections; the other
// nodes' network steps then fail at once, read the reason and report it.
// A node that vanishes without a word (killed, link cut) is reported as
// lost, by name.
#pragma once

#include <memory>

#include "daemon/cluster/store_cluster.h"
#include "daemon/cluster/wire.h"
#include "daemon/engine/gloo/node_comm.h"

namespace ccs::cluster {

// The topology of `records` (index = group rank) seen from this node and,
// when it spans several nodes, a Gloo connection among them (rendezvous
// under keys.Epoch(epoch, "gloo")) by `deadline`.
StatusOr<std::unique_ptr<GroupNetwork>> ConnectGroupNetwork(
    std::vector<RankRecord> records, std::shared_ptr<rendezvous::Store> store, Engine* local,
    const ClusterOptions& options, const GroupKeys& keys, uint64_t epoch,
    Clock::time_point deadline);

// `comm` is null when every rank of the group is on this node.
std::unique_ptr<GroupNetwork> MakeGlooGroupNetwork(
    Topology topology, std::unique_ptr<gloo_engine::NodeComm> comm,
    std::shared_ptr<rendezvous::Store> store, Engine* local, const ClusterOptions& options,
    GroupKeys keys, uint64_t epoch);

}  // namespace ccs::cluster
