#include "client/src/health_check.h"

#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include <future>

#include "client/src/convert.h"

namespace ccs::rpc {
namespace {

constexpr char kCheckMethod[] = "/grpc.health.v1.Health/Check";
// grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING.
constexpr int32_t kServing = 1;

// The health protos are not generated in this build, but their wire forms
// match well-known types: HealthCheckRequest is one string in field 1
// (= StringValue; "" encodes as zero bytes), and HealthCheckResponse is one
// enum in field 1, a varint (= Int32Value).
using Request = google::protobuf::StringValue;
using Response = google::protobuf::Int32Value;

}  // namespace

std::optional<HealthStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                        std::chrono::milliseconds timeout,
                                        const std::string& service) {
  grpc::TemplatedGenericStub<Request, Response> stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  Request request;
  request.set_value(service);
  Response response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, kCheckMethod, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  const grpc::Status status = done.get_future().get();
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) return std::nullopt;
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    throw Error(Code::kNotFound, "the daemon has no health service named '" + service +
                                     "' (a ccsd older than that name?)");
  }
  if (!status.ok()) throw convert::ToError(status);
  return response.value() == kServing ? HealthStatus::kServing
                                      : HealthStatus::kNotServing;
}

}  // namespace ccs::rpc
