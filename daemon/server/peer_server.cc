#include "daemon/server/peer_server.h"

#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include "ccs/v1/peer.grpc.pb.h"
#include "daemon/rendezvous/store_service.h"

namespace ccs::server {
namespace {

class PeerService final : public v1::PeerService::CallbackService {
 public:
  PeerService(PeerIdentity identity, bool root)
      : identity_(std::move(identity)), root_(root) {}

  grpc::ServerUnaryReactor* GetNode(grpc::CallbackServerContext* context,
                                    const v1::GetNodeRequest*,
                                    v1::GetNodeResponse* response) override {
    response->set_node_name(identity_.node_name);
    response->set_peer_address(identity_.peer_address);
    response->set_version(identity_.version);
    response->set_rendezvous_root(root_);
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const PeerIdentity identity_;
  const bool root_;
};

}  // namespace

StatusOr<std::unique_ptr<PeerServer>> PeerServer::Start(
    const std::string& listen, PeerIdentity identity,
    std::shared_ptr<rendezvous::MemoryStore> store) {
  std::unique_ptr<PeerServer> s(new PeerServer());
  s->peer_service_ = std::make_unique<PeerService>(std::move(identity), store != nullptr);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &s->port_);
  builder.RegisterService(s->peer_service_.get());
  if (store) {
    s->store_service_ = rendezvous::MakeStoreService(std::move(store));
    builder.RegisterService(s->store_service_.get());
  }
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return Unavailable("cannot listen for peers on '" + listen +
                       "' (config peer_listen): address in use or not local");
  }
  return s;
}

PeerServer::~PeerServer() { Stop(std::chrono::milliseconds(0)); }

void PeerServer::Stop(std::chrono::milliseconds grace) {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  server_.reset();
}

}  // namespace ccs::server
