// PeerServer: the daemon's peer listener (config `peer_listen`, TCP): the
// PeerService every daemon of a cluster answers, and, on the rendezvous
// root, the StoreService holding the cluster's rendezvous store. Ordinary
// clients use the Unix socket; nothing here serves sessions or ops.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/server.h>

#include "daemon/core/group_registry.h"
#include "daemon/core/status.h"
#include "daemon/rendezvous/memory_store.h"

namespace ccs::server {

struct PeerIdentity {
  std::string node_name;
  std::string peer_address;  // advertised
  std::string version;
};

class PeerServer {
 public:
  // Listens on `listen` ("HOST:PORT") and serves PeerService over
  // `groups` (which must outlive the server), plus StoreService over
  // `store` when it is not null. UNAVAILABLE naming the address when it
  // cannot listen there.
  static StatusOr<std::unique_ptr<PeerServer>> Start(
      const std::string& listen, PeerIdentity identity, const GroupRegistry* groups,
      std::shared_ptr<rendezvous::MemoryStore> store);
  ~PeerServer();
  int port() const { return port_; }
  // Stops accepting, cancels calls still open after `grace` (store waits).
  void Stop(std::chrono::milliseconds grace);

 private:
  PeerServer() = default;
  std::unique_ptr<grpc::Service> peer_service_;
  std::unique_ptr<grpc::Service> store_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace ccs::server
