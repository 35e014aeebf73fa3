#include "daemon/server/peer_server.h"

#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include "ccs/v1/peer.grpc.pb.h"
#include "daemon/rendezvous/store_service.h"
#include "daemon/server/convert.h"

namespace ccs::server {
namespace {

class PeerService final : public v1::PeerService::CallbackService {
 public:
  PeerService(PeerIdentity identity, const GroupRegistry* groups, bool root)
      : identity_(std::move(identity)), groups_(groups), root_(root) {}

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

  grpc::ServerUnaryReactor* DescribeGroup(grpc::CallbackServerContext* context,
                                          const v1::DescribeGroupRequest* request,
                                          v1::DescribeGroupResponse* response) override {
    StatusOr<std::shared_ptr<Group>> g = groups_->FindByName(request->name());
    if (g.ok()) ToProto((*g)->View(), identity_.node_name, response);
    auto* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpc(g.status()));
    return reactor;
  }

 private:
  const PeerIdentity identity_;
  const GroupRegistry* const groups_;
  const bool root_;
};

}  // namespace

StatusOr<std::unique_ptr<PeerServer>> PeerServer::Start(
    const std::string& listen, PeerIdentity identity, const GroupRegistry* groups,
    std::shared_ptr<rendezvous::MemoryStore> store) {
  std::unique_ptr<PeerServer> s(new PeerServer());
  s->peer_service_ =
      std::make_unique<PeerService>(std::move(identity), groups, store != nullptr);
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
