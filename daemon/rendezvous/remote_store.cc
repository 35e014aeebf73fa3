#include "daemon/rendezvous/remote_store.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>
#include <utility>

#include "ccs/v1/peer.grpc.pb.h"

namespace ccs::rendezvous {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using SystemTime = std::chrono::system_clock::time_point;

// How soon a channel retries a root that was not there yet.
constexpr int kInitialReconnectMs = 100;
constexpr int kMaxReconnectMs = 1000;

class RemoteStore final : public Store {
 public:
  RemoteStore(const RendezvousAddress& address, RemoteStoreOptions options)
      : name_(address.ToString()), options_(options) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, kInitialReconnectMs);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, kInitialReconnectMs);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectMs);
    stub_ = v1::StoreService::NewStub(grpc::CreateCustomChannel(
        address.GrpcTarget(), grpc::InsecureChannelCredentials(), args));
  }

  Status Set(std::string_view key, std::string_view value, Ttl ttl) override {
    v1::SetKeyRequest request;
    request.set_key(std::string(key));
    request.set_value(std::string(value));
    request.set_ttl_ms(ttl.count());
    v1::SetKeyResponse response;
    return Call("SetKey", CallDeadline(), [&](grpc::ClientContext* context) {
      return stub_->SetKey(context, request, &response);
    });
  }

  StatusOr<std::string> Get(std::string_view key) override {
    v1::GetKeyRequest request;
    request.set_key(std::string(key));
    v1::GetKeyResponse response;
    RETURN_IF_ERROR(Call("GetKey", CallDeadline(), [&](grpc::ClientContext* context) {
      return stub_->GetKey(context, request, &response);
    }));
    return std::move(*response.mutable_value());
  }

  // A far deadline is served as a series of server waits of at most
  // max_wait_per_call each, so no clock arithmetic overflows and no call
  // outlives the server's own cap.
  Status Wait(const std::vector<std::string>& keys, Deadline deadline) override {
    v1::WaitForKeysRequest request;
    for (const std::string& key : keys) request.add_keys(key);
    for (;;) {
      const auto remaining = deadline - Clock::now();
      const bool last = remaining <= options_.max_wait_per_call;
      // Rounded up, so the server never gives up before our deadline.
      const milliseconds wait =
          last ? std::max(milliseconds(0), std::chrono::ceil<milliseconds>(remaining))
               : options_.max_wait_per_call;
      request.set_timeout_ms(static_cast<uint64_t>(wait.count()));
      v1::WaitForKeysResponse response;
      const SystemTime client_deadline =
          std::chrono::system_clock::now() + wait + options_.wait_margin;
      Status status =
          Call("WaitForKeys", client_deadline, [&](grpc::ClientContext* context) {
            return stub_->WaitForKeys(context, request, &response);
          });
      if (last || status.code() != StatusCode::kDeadlineExceeded) return status;
    }
  }

  StatusOr<int64_t> Add(std::string_view key, int64_t delta) override {
    v1::AddToKeyRequest request;
    request.set_key(std::string(key));
    request.set_delta(delta);
    v1::AddToKeyResponse response;
    RETURN_IF_ERROR(Call("AddToKey", CallDeadline(), [&](grpc::ClientContext* context) {
      return stub_->AddToKey(context, request, &response);
    }));
    return response.value();
  }

  StatusOr<CasResult> CompareAndSet(std::string_view key, std::string_view expected,
                                    std::string_view desired, Ttl ttl) override {
    v1::CompareAndSetKeyRequest request;
    request.set_key(std::string(key));
    request.set_expected(std::string(expected));
    request.set_desired(std::string(desired));
    request.set_ttl_ms(ttl.count());
    v1::CompareAndSetKeyResponse response;
    RETURN_IF_ERROR(
        Call("CompareAndSetKey", CallDeadline(), [&](grpc::ClientContext* context) {
          return stub_->CompareAndSetKey(context, request, &response);
        }));
    return CasResult{response.swapped(), std::move(*response.mutable_current())};
  }

  StatusOr<bool> Delete(std::string_view key) override {
    v1::DeleteKeyRequest request;
    request.set_key(std::string(key));
    v1::DeleteKeyResponse response;
    RETURN_IF_ERROR(Call("DeleteKey", CallDeadline(), [&](grpc::ClientContext* context) {
      return stub_->DeleteKey(context, request, &response);
    }));
    return response.existed();
  }

 private:
  SystemTime CallDeadline() const {
    return std::chrono::system_clock::now() + options_.call_timeout;
  }

  // Runs one RPC under `deadline`, waiting for the connection, and converts
  // its grpc::Status at this boundary.
  template <typename Rpc>
  Status Call(std::string_view rpc, SystemTime deadline, Rpc&& invoke) const {
    grpc::ClientContext context;
    context.set_deadline(deadline);
    context.set_wait_for_ready(true);
    const SystemTime started = std::chrono::system_clock::now();
    const grpc::Status status = invoke(&context);
    if (status.ok()) return Status::Ok();
    const auto code = static_cast<StatusCode>(status.error_code());
    const bool ours = status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
                      std::chrono::system_clock::now() >= deadline;
    const auto waited =
        duration_cast<milliseconds>(std::chrono::system_clock::now() - started).count();
    const std::string advice =
        "; check that the root daemon is running and reachable at that address";
    if (ours) {
      // UNAVAILABLE, not DEADLINE_EXCEEDED: the store could not be reached;
      // DEADLINE_EXCEEDED from Wait keeps meaning "keys still missing".
      return Unavailable("no answer to " + std::string(rpc) +
                         " from the rendezvous store " + name_ + " within " +
                         std::to_string(waited) + " ms" + advice);
    }
    if (code == StatusCode::kUnavailable) {
      return Unavailable("the rendezvous store " + name_ + " is unavailable for " +
                         std::string(rpc) + " (gRPC, after " + std::to_string(waited) +
                         " ms: " + status.error_message() + ")" + advice);
    }
    return Status(code, "rendezvous store " + name_ + ": " + status.error_message());
  }

  const std::string name_;
  const RemoteStoreOptions options_;
  std::unique_ptr<v1::StoreService::Stub> stub_;
};

}  // namespace

std::unique_ptr<Store> MakeRemoteStore(const RendezvousAddress& address,
                                       RemoteStoreOptions options) {
  return std::make_unique<RemoteStore>(address, options);
}

}  // namespace ccs::rendezvous
