#include "daemon/server/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/server/convert.h"

namespace ccs::server {
namespace {

// "host:port" with the port gRPC chose for port 0.
std::string BoundAddress(const std::string& listen, int port) {
  const size_t colon = listen.rfind(':');
  return (colon == std::string::npos ? listen : listen.substr(0, colon)) + ":" +
         std::to_string(port);
}

void SetHealthOn(grpc::Server* server, bool live, bool ready) {
  if (server == nullptr) return;
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(kLivenessService, live);
  health->SetServingStatus(kReadinessService, ready);
  health->SetServingStatus("", ready);
}

// Room for the framing around max_object_bytes of payload (field tags and
// lengths per payload, the other fields); never below gRPC's 4 MiB default.
int MaxMessageBytes(uint64_t max_object_bytes) {
  constexpr uint64_t kFraming = uint64_t{1} << 20;
  constexpr uint64_t kGrpcDefault = uint64_t{4} << 20;
  return static_cast<int>(std::max(kGrpcDefault, max_object_bytes + kFraming));
}

}  // namespace

GrpcServer::GrpcServer(const ServiceContext& ctx)
    : ctx_(ctx),
      sessions_(ctx),
      buffers_(ctx),
      groups_(ctx),
      collectives_(ctx),
      metadata_(ctx),
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
    builder.AddListeningPort(config.tcp_listen, grpc::InsecureServerCredentials(),
                             &tcp_port);
  }
  builder.RegisterService(&sessions_);
  builder.RegisterService(&buffers_);
  builder.RegisterService(&groups_);
  builder.RegisterService(&collectives_);
  builder.RegisterService(&metadata_);
  // Object payloads travel inside messages: accept the largest call
  // max_object_bytes allows (a scatter root's list, with its framing).
  builder.SetMaxReceiveMessageSize(MaxMessageBytes(config.max_object_bytes));
  builder.RegisterService(&inspection_);
  server_ = builder.BuildAndStart();
  if (!server_) return Internal("the gRPC server did not start");
  SetHealthOn(server_.get(), true, false);
  if (!config.tcp_listen.empty() && tcp_port == 0) {
    return Unavailable("cannot listen on TCP address '" + config.tcp_listen + "'");
  }
  if (!config.health_listen.empty()) {
    // No services of ours: gRPC adds the default health service (and
    // reflection, which every server of this process gets).
    grpc::ServerBuilder health;
    int health_port = 0;
    health.AddListeningPort(config.health_listen, grpc::InsecureServerCredentials(),
                            &health_port);
    health_server_ = health.BuildAndStart();
    if (!health_server_ || health_port == 0) {
      return Unavailable("cannot listen on health address '" + config.health_listen +
                         "'; fix health_listen");
    }
    SetHealthOn(health_server_.get(), true, false);
    spdlog::info("health: serving grpc.health.v1 on tcp {}",
                 BoundAddress(config.health_listen, health_port));
  }
  listener_.Start(server_.get());
  spdlog::info("serving on unix://{}{}", config.socket,
               config.tcp_listen.empty()
                   ? ""
                   : " and tcp " + BoundAddress(config.tcp_listen, tcp_port));
  return Status::Ok();
}

void GrpcServer::SetHealth(bool live, bool ready) {
  SetHealthOn(server_.get(), live, ready);
  SetHealthOn(health_server_.get(), live, ready);
}

void GrpcServer::EndSessions(const Status& why) { sessions_.EndAll(ToGrpc(why)); }

void GrpcServer::Stop(std::chrono::milliseconds grace) {
  SetHealth(false, false);
  if (server_) {
    listener_.Stop();
    server_->Shutdown(std::chrono::system_clock::now() + grace);
    server_->Wait();
    server_.reset();
  }
  if (health_server_) {
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
    health_server_.reset();
  }
}

}  // namespace ccs::server
