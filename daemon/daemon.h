// Daemon: the composition root of ccsd. Owns the engine, the domain
// managers and the gRPC server; wires them together and nothing else.
#pragma once

#include <chrono>
#include <memory>

#include "daemon/core/buffer_registry.h"
#include "daemon/core/collective_submitter.h"
#include "daemon/core/config.h"
#include "daemon/core/group_registry.h"
#include "daemon/core/session_manager.h"
#include "daemon/engine/engine.h"
#include "daemon/server/grpc_server.h"
#include "daemon/server/peer_registry.h"

namespace ccs {

class Daemon {
 public:
  explicit Daemon(const Config& config);
  ~Daemon();

  // Binds the socket(s) and starts serving.
  Status Start();
  // Fails every in-flight op and formation with UNAVAILABLE, then stops the
  // server within `grace`.
  void Stop(std::chrono::milliseconds grace);
  // Applies what may change at runtime (limits).
  void Reload(const Config& config);

 private:
  Config config_;
  std::unique_ptr<Engine> engine_;
  SessionManager sessions_;
  BufferRegistry buffers_;
  GroupRegistry groups_;
  CollectiveSubmitter submitter_;
  server::PeerRegistry peers_;
  server::ServiceContext context_;
  std::unique_ptr<server::GrpcServer> server_;
};

}  // namespace ccs
