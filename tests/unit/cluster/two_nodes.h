// Two "nodes" for cluster tests: Clusters named a and b over one Store, with
// a host engine for their node steps.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "daemon/cluster/store_cluster.h"
#include "daemon/rendezvous/memory_store.h"

namespace ccs::cluster::testing {

struct TwoNodes {
  explicit TwoNodes(std::shared_ptr<rendezvous::Store> s =
                        std::make_shared<rendezvous::MemoryStore>())
      : store(std::move(s)), a(Make("a", "127.0.0.1:1")), b(Make("b", "127.0.0.1:2")) {}

  std::shared_ptr<rendezvous::Store> store;
  std::unique_ptr<Engine> engine = MakeHostEngine(HostEngineOptions{1});
  std::unique_ptr<Cluster> a;
  std::unique_ptr<Cluster> b;

  std::unique_ptr<Cluster> Make(const std::string& name, const std::string& addr) {
    ClusterOptions o;
    o.node_name = name;
    o.peer_address = addr;
    o.op_timeout = std::chrono::milliseconds(10000);
    return MakeStoreCluster(store, engine.get(), o);
  }
};

// A rank of node `c` held by process (and session) `pid`.
inline RankRecord Rec(const Cluster& c, int32_t pid) {
  return RankRecord{c.node_name(), c.peer_address(), pid, static_cast<uint64_t>(pid)};
}

}  // namespace ccs::cluster::testing
