// GrpcServer: the gRPC server of one daemon with every service, health and
// reflection, fed by the Unix listener and, optionally, a TCP port; and the
// optional health-only server on `health_listen` for kubelet gRPC probes.
//
// grpc.health.v1 service names: "ccs.liveness" (the process runs its main
// loop), "ccs.readiness" (serving: engines up, socket bound, not draining)
// and "" (follows readiness). Both servers report the same statuses.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/server.h>

#include "daemon/core/config.h"
#include "daemon/server/buffer_service.h"
#include "daemon/server/collective_service.h"
#include "daemon/server/metadata_service.h"
#include "daemon/server/group_service.h"
#include "daemon/server/inspection_service.h"
#include "daemon/server/session_service.h"
#include "daemon/server/unix_listener.h"

namespace ccs::server {

inline constexpr char kLivenessService[] = "ccs.liveness";
inline constexpr char kReadinessService[] = "ccs.readiness";

class GrpcServer {
 public:
  explicit GrpcServer(const ServiceContext& ctx);
  ~GrpcServer();

  // Binds the Unix socket (and the TCP and health ports if configured) and
  // starts serving, with liveness SERVING and readiness NOT_SERVING.
  Status Start(const Config& config);
  // Sets the health statuses on every server. Call from the thread that
  // calls Start and Stop.
  void SetHealth(bool live, bool ready);
  // Ends every open session stream with `why`, so clients learn why the
  // daemon goes away (see SessionService::EndAll).
  void EndSessions(const Status& why);
  // Marks health NOT_SERVING, stops accepting, cancels open calls after
  // `grace`, and waits for the servers to stop.
  void Stop(std::chrono::milliseconds grace);

 private:
  const ServiceContext& ctx_;
  SessionService sessions_;
  BufferService buffers_;
  GroupService groups_;
  CollectiveService collectives_;
  MetadataService metadata_;
  InspectionService inspection_;
  UnixListener listener_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;  // health_listen, optional
};

}  // namespace ccs::server
