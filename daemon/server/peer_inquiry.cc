#include "daemon/server/peer_inquiry.h"

#include <atomic>

#include <grpcpp/create_channel.h>

#include "ccs/v1/peer.grpc.pb.h"

namespace ccs::server {
namespace {

Status FromGrpc(const grpc::Status& s, const std::string& address) {
  const int code = static_cast<int>(s.error_code());
  return Status(code <= static_cast<int>(StatusCode::kUnavailable) ? static_cast<StatusCode>(code)
                                                                    : StatusCode::kUnknown,
                "node at " + address + " did not answer: " + s.error_message());
}

// The calls of one inquiry, alive until the last one completes.
template <typename Request, typename Response>
struct Fanout {
  struct Call {
    grpc::ClientContext context;
    Request request;
    Response response;
    std::unique_ptr<v1::PeerService::Stub> stub;
    std::chrono::steady_clock::time_point started;
  };
  std::vector<Call> calls;
  std::vector<PeerAnswer<Response>> answers;
  std::atomic<size_t> left;
  PeerInquiry::Done<Response> done;

  Fanout(size_t n, PeerInquiry::Done<Response> d)
      : calls(n), answers(n), left(n), done(std::move(d)) {}
};

// Starts `invoke(stub, context, request, response, on_done)` (one async
// PeerService method) for every address with a copy of `request`, and
// calls `done` with the answers once the last one completed.
template <typename Request, typename Response, typename Invoke>
void Ask(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
         const std::vector<std::string>& addresses, const Request& request,
         std::chrono::system_clock::time_point deadline, Invoke invoke,
         PeerInquiry::Done<Response> done) {
  if (addresses.empty()) {
    done({});
    return;
  }
  auto fanout = std::make_shared<Fanout<Request, Response>>(addresses.size(), std::move(done));
  for (size_t i = 0; i < addresses.size(); ++i) {
    auto& call = fanout->calls[i];
    call.context.set_deadline(deadline);
    call.request = request;
    call.stub = v1::PeerService::NewStub(channels[i]);
    call.started = std::chrono::steady_clock::now();
    invoke(
        *call.stub, &call.context, &call.request, &call.response,
        [fanout, i, address = addresses[i]](grpc::Status s) {
          auto& call = fanout->calls[i];
          auto& answer = fanout->answers[i];
          answer.rtt = std::chrono::duration_cast<std::chrono::microseconds>(
              std::chrono::steady_clock::now() - call.started);
          if (s.ok()) {
            answer.response = std::move(call.response);
          } else {
            answer.status = FromGrpc(s, address);
          }
          if (fanout->left.fetch_sub(1) == 1) fanout->done(std::move(fanout->answers));
        });
  }
}

}  // namespace

void PeerInquiry::GetNodes(const std::vector<std::string>& addresses,
                           std::chrono::system_clock::time_point deadline,
                           Done<v1::GetNodeResponse> done) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (const auto& a : addresses) channels.push_back(ChannelTo(a));
  Ask<v1::GetNodeRequest, v1::GetNodeResponse>(
      channels, addresses, v1::GetNodeRequest(), deadline,
      [](v1::PeerService::Stub& stub, auto... args) { stub.async()->GetNode(args...); },
      std::move(done));
}

void PeerInquiry::DescribeGroup(const std::string& name,
                                const std::vector<std::string>& addresses,
                                std::chrono::system_clock::time_point deadline,
                                Done<v1::DescribeGroupResponse> done) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (const auto& a : addresses) channels.push_back(ChannelTo(a));
  v1::DescribeGroupRequest request;
  request.set_name(name);
  request.set_local_only(true);
  Ask<v1::DescribeGroupRequest, v1::DescribeGroupResponse>(
      channels, addresses, request, deadline,
      [](v1::PeerService::Stub& stub, auto... args) { stub.async()->DescribeGroup(args...); },
      std::move(done));
}

std::shared_ptr<grpc::Channel> PeerInquiry::ChannelTo(const std::string& address) {
  std::lock_guard lock(mu_);
  std::shared_ptr<grpc::Channel>& channel = channels_[address];
  if (!channel) channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  return channel;
}

}  // namespace ccs::server
