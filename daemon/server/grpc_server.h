// GrpcServer: the gRPC server of one daemon with every service, health and
// reflection, fed by the Unix listener and, optionally, a TCP port.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/server.h>

#include "daemon/core/config.h"
#include "daemon/server/buffer_service.h"
#include "daemon/server/collective_service.h"
#include "daemon/server/group_service.h"
#include "daemon/server/inspection_service.h"
#include "daemon/server/session_service.h"
#include "daemon/server/unix_listener.h"

namespace ccs::server {

class GrpcServer {
 public:
  explicit GrpcServer(const ServiceContext& ctx);
  ~GrpcServer();

  // Binds the Unix socket (and TCP if configured) and starts serving.
  Status Start(const Config& config);
  // Marks health NOT_SERVING, stops accepting, cancels open calls after
  // `grace`, and waits for the server to stop.
  void Stop(std::chrono::milliseconds grace);

 private:
  const ServiceContext& ctx_;
  SessionService sessions_;
  BufferService buffers_;
  GroupService groups_;
  CollectiveService collectives_;
  InspectionService inspection_;
  UnixListener listener_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace ccs::server
