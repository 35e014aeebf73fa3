#include "daemon/rendezvous/store_service.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <algorithm>
#include <mutex>
#include <utility>
#include <vector>

#include "ccs/v1/peer.grpc.pb.h"

namespace ccs::rendezvous {
namespace {

using std::chrono::milliseconds;

constexpr auto kMaxServerWait = std::chrono::hours(24);

grpc::Status ToGrpc(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // ccs::StatusCode mirrors grpc::StatusCode value for value.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), status.message());
}

// When the server gives up on a WaitForKeys call: timeout_ms from now, but
// never later than the call's own gRPC deadline or kMaxServerWait.
Store::Deadline ServerDeadline(const grpc::CallbackServerContext& context,
                               uint64_t timeout_ms) {
  const auto now = Store::Clock::now();
  milliseconds wait(std::min<uint64_t>(timeout_ms, milliseconds(kMaxServerWait).count()));
  // No gRPC deadline reads as the system clock's maximum: a huge `left`.
  const auto left = std::chrono::duration_cast<milliseconds>(
      context.deadline() - std::chrono::system_clock::now());
  wait = std::min(wait, std::max(left, milliseconds(0)));
  return now + wait;
}

// One WaitForKeys call. Exactly one of the store's callback and OnCancel
// finishes it: MemoryStore::CancelWait decides which. Deletes itself in OnDone.
class WaitReactor final : public grpc::ServerUnaryReactor {
 public:
  WaitReactor(std::shared_ptr<MemoryStore> store,
              const grpc::CallbackServerContext& context,
              const v1::WaitForKeysRequest& request)
      : store_(std::move(store)) {
    std::vector<std::string> keys(request.keys().begin(), request.keys().end());
    // The callback may run before WaitAsync returns; Finish allows that.
    id_ =
        store_->WaitAsync(std::move(keys), ServerDeadline(context, request.timeout_ms()),
                          [this](const Status& status) { Finish(ToGrpc(status)); });
  }

  void OnCancel() override {
    if (store_->CancelWait(id_)) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                          "the wait for store keys was cancelled (client gone or server "
                          "shutting down)"));
    }
  }

  void OnDone() override { delete this; }

 private:
  std::shared_ptr<MemoryStore> store_;
  MemoryStore::WaitId id_ = 0;
};

class StoreServiceImpl final : public v1::StoreService::CallbackService {
 public:
  explicit StoreServiceImpl(std::shared_ptr<MemoryStore> store)
      : store_(std::move(store)) {}

  grpc::ServerUnaryReactor* SetKey(grpc::CallbackServerContext* context,
                                   const v1::SetKeyRequest* request,
                                   v1::SetKeyResponse* /*response*/) override {
    return Reply(context, store_->Set(request->key(), request->value(),
                                      Store::Ttl(request->ttl_ms())));
  }

  grpc::ServerUnaryReactor* GetKey(grpc::CallbackServerContext* context,
                                   const v1::GetKeyRequest* request,
                                   v1::GetKeyResponse* response) override {
    StatusOr<std::string> value = store_->Get(request->key());
    if (value.ok()) response->set_value(std::move(value).value());
    return Reply(context, value.status());
  }

  grpc::ServerUnaryReactor* WaitForKeys(grpc::CallbackServerContext* context,
                                        const v1::WaitForKeysRequest* request,
                                        v1::WaitForKeysResponse* /*response*/) override {
    return new WaitReactor(store_, *context, *request);
  }

  grpc::ServerUnaryReactor* AddToKey(grpc::CallbackServerContext* context,
                                     const v1::AddToKeyRequest* request,
                                     v1::AddToKeyResponse* response) override {
    StatusOr<int64_t> value = store_->Add(request->key(), request->delta());
    if (value.ok()) response->set_value(*value);
    return Reply(context, value.status());
  }

  grpc::ServerUnaryReactor* CompareAndSetKey(
      grpc::CallbackServerContext* context, const v1::CompareAndSetKeyRequest* request,
      v1::CompareAndSetKeyResponse* response) override {
    StatusOr<Store::CasResult> result =
        store_->CompareAndSet(request->key(), request->expected(), request->desired(),
                              Store::Ttl(request->ttl_ms()));
    if (result.ok()) {
      response->set_swapped(result->swapped);
      response->set_current(std::move(result->current));
    }
    return Reply(context, result.status());
  }

  grpc::ServerUnaryReactor* DeleteKey(grpc::CallbackServerContext* context,
                                      const v1::DeleteKeyRequest* request,
                                      v1::DeleteKeyResponse* response) override {
    StatusOr<bool> existed = store_->Delete(request->key());
    if (existed.ok()) response->set_existed(*existed);
    return Reply(context, existed.status());
  }

 private:
  static grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context,
                                         const Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpc(status));
    return reactor;
  }

  std::shared_ptr<MemoryStore> store_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeStoreService(std::shared_ptr<MemoryStore> store) {
  return std::make_unique<StoreServiceImpl>(std::move(store));
}

StoreServer::StoreServer(std::unique_ptr<grpc::Service> service,
                         std::unique_ptr<grpc::Server> server, int port)
    : service_(std::move(service)), server_(std::move(server)), port_(port) {}

StoreServer::~StoreServer() { Stop(milliseconds(0)); }

StatusOr<std::unique_ptr<StoreServer>> StoreServer::Start(
    std::shared_ptr<MemoryStore> store, const std::string& listen_address) {
  std::unique_ptr<grpc::Service> service = MakeStoreService(std::move(store));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen_address, grpc::InsecureServerCredentials(), &port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return Unavailable("cannot serve the rendezvous store on '" + listen_address +
                       "': the port is in use or the address is not local; pick another "
                       "HOST:PORT");
  }
  return std::unique_ptr<StoreServer>(
      new StoreServer(std::move(service), std::move(server), port));
}

void StoreServer::Stop(milliseconds grace) {
  std::call_once(stopped_, [&] {
    server_->Shutdown(std::chrono::system_clock::now() + grace);
    server_->Wait();
  });
}

}  // namespace ccs::rendezvous
