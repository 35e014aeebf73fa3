// StoreService: the rendezvous root serves its MemoryStore to the other
// daemons over gRPC (ccs.v1.StoreService in proto/ccs/v1/peer.proto).
//
// Not wired into ccsd yet. The composition root will either register
// MakeStoreService() on the daemon's TCP (peer) server, or run a StoreServer
// on a port of its own. No protobuf type appears in this header.
#pragma once

#include <grpcpp/impl/service_type.h>
#include <grpcpp/server.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "daemon/core/status.h"
#include "daemon/rendezvous/memory_store.h"

namespace ccs::rendezvous {

// The gRPC service over `store`, for grpc::ServerBuilder::RegisterService.
// The service keeps the store alive and must outlive the server it is
// registered on. It never blocks a gRPC thread: WaitForKeys completes from
// the store's callback (key set, deadline, or the call being cancelled, e.g.
// by Server::Shutdown). Its server-side deadline is the request's timeout_ms,
// capped by the call's own gRPC deadline and by 24 hours.
std::unique_ptr<grpc::Service> MakeStoreService(std::shared_ptr<MemoryStore> store);

// A gRPC server that serves only StoreService: for tests, and for a daemon
// that serves its store on a port of its own. Thread-safe.
class StoreServer {
 public:
  // Listens on `listen_address` ("HOST:PORT"; port 0 picks a free port) and
  // starts serving. UNAVAILABLE naming the address if it cannot listen there
  // (port in use, address not local). SO_REUSEPORT is off, so a second
  // server cannot share a port with this one.
  static StatusOr<std::unique_ptr<StoreServer>> Start(std::shared_ptr<MemoryStore> store,
                                                      const std::string& listen_address);
  // Stop(0).
  ~StoreServer();

  StoreServer(const StoreServer&) = delete;
  StoreServer& operator=(const StoreServer&) = delete;

  // The TCP port the server listens on.
  int port() const { return port_; }

  // Stops accepting calls, cancels the calls still open after `grace` (their
  // waits end CANCELLED) and returns once the server has stopped. Later calls
  // do nothing.
  void Stop(std::chrono::milliseconds grace);

 private:
  StoreServer(std::unique_ptr<grpc::Service> service,
              std::unique_ptr<grpc::Server> server, int port);

  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_;
  std::once_flag stopped_;
};

}  // namespace ccs::rendezvous
