#include "daemon/cluster/setup.h"

#include <unistd.h>

#include <climits>

#include "daemon/cluster/store_cluster.h"
#include "daemon/rendezvous/address.h"
#include "daemon/rendezvous/remote_store.h"

namespace ccs::cluster {
namespace {

std::string HostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

StatusOr<ClusterSetup> SetUpCluster(const Config& config, Engine* local, LinkObserver* links) {
  ClusterSetup setup;
  setup.node_name = config.node_name.empty() ? HostName() : config.node_name;
  setup.peer_advertise = config.peer_advertise.empty() ? config.peer_listen : config.peer_advertise;
  if (config.rendezvous.empty()) return setup;
  if (config.peer_listen.empty()) {
    return InvalidArgument("config option 'rendezvous' needs 'peer_listen' (the TCP address "
                           "this daemon serves the other daemons on)");
  }
  StatusOr<rendezvous::RendezvousAddress> advertised =
      rendezvous::ParseRendezvousAddress("ccs://" + setup.peer_advertise);
  if (!advertised.ok()) {
    return InvalidArgument("config option 'peer_advertise' (or 'peer_listen' when it is "
                           "empty) must be HOST:PORT: " + advertised.status().message());
  }
  const std::string host = advertised.value().host;
  if (host == "0.0.0.0" || host == "::" || advertised.value().port == 0) {
    return InvalidArgument("config option 'peer_advertise' must name an address other "
                           "daemons can reach (not '" + setup.peer_advertise +
                           "'); set it when peer_listen is a wildcard or port 0");
  }
  ASSIGN_OR_RETURN(rendezvous::RendezvousAddress root,
                   rendezvous::ParseRendezvousAddress(config.rendezvous));
  std::shared_ptr<rendezvous::Store> store;
  if (root.GrpcTarget() == advertised.value().GrpcTarget()) {
    setup.root_store = std::make_shared<rendezvous::MemoryStore>();
    store = setup.root_store;
  } else {
    store = std::shared_ptr<rendezvous::Store>(rendezvous::MakeRemoteStore(root));
  }
  setup.store = store;
  ClusterOptions options;
  options.node_name = setup.node_name;
  options.peer_address = advertised.value().GrpcTarget();
  options.data_host = host;
  options.op_timeout = std::chrono::milliseconds(config.op_timeout_ms);
  options.link_observer = links;
  setup.cluster = MakeStoreCluster(std::move(store), local, std::move(options));
  return setup;
}

}  // namespace ccs::cluster
