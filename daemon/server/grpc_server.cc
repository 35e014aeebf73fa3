#include "daemon/server/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

namespace ccs::server {

GrpcServer::GrpcServer(const ServiceContext& ctx)
    : ctx_(ctx),
      sessions_(ctx),
      buffers_(ctx),
      groups_(ctx),
      collectives_(ctx),
      inspection_(ctx),
      listener_(ctx.peers) {}

GrpcServer::~GrpcServer() { Stop(std::chrono::milliseconds(0)); }

Status GrpcServer::Start(const Config& config) {
  RETURN_IF_ERROR(listener_.Bind(config.socket, config.socket_mode, config.socket_group));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int tcp_port = 0;
  if (!config.tcp_listen.empty()) {
    builder.AddListeningPort(config.tcp_listen, grpc::InsecureServerCredentials(), &tcp_port);
  }
  builder.RegisterService(&sessions_);
  builder.RegisterService(&buffers_);
  builder.RegisterService(&groups_);
  builder.RegisterService(&collectives_);
  builder.RegisterService(&inspection_);
  server_ = builder.BuildAndStart();
  if (!server_) return Internal("the gRPC server did not start");
  if (!config.tcp_listen.empty() && tcp_port == 0) {
    return Unavailable("cannot listen on TCP address '" + config.tcp_listen + "'");
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  listener_.Start(server_.get());
  spdlog::info("serving on unix://{}{}", config.socket,
               config.tcp_listen.empty() ? "" : " and tcp " + config.tcp_listen);
  return Status::Ok();
}

void GrpcServer::Stop(std::chrono::milliseconds grace) {
  if (!server_) return;
  server_->GetHealthCheckService()->SetServingStatus(false);
  listener_.Stop();
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  server_.reset();
}

}  // namespace ccs::server
