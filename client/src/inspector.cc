#include "ccs/inspector.h"

#include <grpcpp/client_context.h>

#include <utility>

#include "ccs/error.h"
#include "ccs/v1/inspection.grpc.pb.h"
#include "client/src/channel.h"
#include "client/src/convert.h"
#include "client/src/health_check.h"

namespace ccs {

// Channel and stub behind Inspector; every call has options.timeout.
class InspectorImpl {
 public:
  InspectorImpl(std::string address, std::shared_ptr<grpc::Channel> channel,
                std::chrono::milliseconds timeout)
      : address_(std::move(address)),
        channel_(std::move(channel)),
        stub_(v1::InspectionService::NewStub(channel_)),
        timeout_(timeout) {}

  const std::string& address() const { return address_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Calls stub method `method` and returns its response; throws Error.
  template <typename Response, typename Request, typename Method>
  Response Call(Method method, const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout_);
    Response response;
    grpc::Status status = ((*stub_).*method)(&context, request, &response);
    if (!status.ok()) throw convert::ToError(status);
    return response;
  }

 private:
  const std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::InspectionService::Stub> stub_;
  const std::chrono::milliseconds timeout_;
};

namespace {

GroupSummary FromProto(const v1::GroupSummary& g) {
  GroupSummary out;
  out.group_id = g.group_id();
  out.name = g.name();
  out.epoch = g.epoch();
  out.state = convert::FromProto(g.state());
  out.world_size = g.world_size();
  out.joined = g.joined();
  out.completed_seq = g.completed_seq();
  out.in_flight_ops = g.in_flight_ops();
  out.broken_reason = g.broken_reason();
  out.age_ms = g.age_ms();
  return out;
}

MemberInfo FromProto(const v1::MemberInfo& m) {
  return MemberInfo{m.rank(), m.joined(), m.session_id(),
                    m.pid(),  m.uid(),    m.last_completed_seq(),
                    m.alive()};
}

InFlightOp FromProto(const v1::InFlightOp& op) {
  InFlightOp out;
  out.seq = op.seq();
  out.kind = convert::FromProto(op.kind());
  out.dtype = convert::FromProto(op.dtype());
  out.count = op.count();
  out.arrived_ranks.assign(op.arrived_ranks().begin(), op.arrived_ranks().end());
  out.missing_ranks.assign(op.missing_ranks().begin(), op.missing_ranks().end());
  out.waiting_ms = op.waiting_ms();
  return out;
}

OpRecord FromProto(const v1::OpRecord& r) {
  OpRecord out;
  out.seq = r.seq();
  out.kind = convert::FromProto(r.kind());
  out.dtype = convert::FromProto(r.dtype());
  out.op = convert::FromProto(r.op());
  out.count = r.count();
  if (r.has_root()) out.root = r.root();
  if (r.has_peer()) out.peer = r.peer();
  out.bytes = r.bytes();
  for (const auto& a : r.arrivals()) out.arrivals.push_back({a.rank(), a.arrived_unix_us()});
  out.first_arrival_unix_us = r.first_arrival_unix_us();
  out.finished_unix_us = r.finished_unix_us();
  out.status_code = convert::ToCode(static_cast<grpc::StatusCode>(r.status_code()));
  out.status_message = r.status_message();
  return out;
}

}  // namespace

std::string_view HealthServiceName(HealthService service) {
  switch (service) {
    case HealthService::kOverall: return "";
    case HealthService::kLiveness: return "ccs.liveness";
    case HealthService::kReadiness: return "ccs.readiness";
  }
  return "";
}

std::unique_ptr<Inspector> Inspector::Connect(const InspectorOptions& options) {
  std::string address = rpc::NormalizeAddress(options.address);
  auto channel = rpc::ConnectChannel(address, options.timeout);
  return std::unique_ptr<Inspector>(new Inspector(std::make_unique<InspectorImpl>(
      std::move(address), std::move(channel), options.timeout)));
}

Inspector::Inspector(std::unique_ptr<InspectorImpl> impl) : impl_(std::move(impl)) {}
Inspector::~Inspector() = default;

const std::string& Inspector::address() const { return impl_->address(); }

VersionInfo Inspector::GetVersion() {
  auto r = impl_->Call<v1::GetVersionResponse>(&v1::InspectionService::Stub::GetVersion,
                                               v1::GetVersionRequest());
  return VersionInfo{r.version(), r.git_commit(),
                     std::vector<std::string>(r.engines().begin(), r.engines().end()),
                     r.pid(), r.uptime_ms()};
}

std::vector<SessionInfo> Inspector::ListSessions() {
  auto r = impl_->Call<v1::ListSessionsResponse>(
      &v1::InspectionService::Stub::ListSessions, v1::ListSessionsRequest());
  std::vector<SessionInfo> out;
  for (const auto& s : r.sessions()) {
    out.push_back(SessionInfo{s.session_id(), s.uid(), s.pid(), s.client_name(),
                              s.buffers(), s.mapped_bytes(), s.groups(), s.age_ms()});
  }
  return out;
}

std::vector<BufferInfo> Inspector::ListBuffers() {
  auto r = impl_->Call<v1::ListBuffersResponse>(&v1::InspectionService::Stub::ListBuffers,
                                                v1::ListBuffersRequest());
  std::vector<BufferInfo> out;
  for (const auto& b : r.buffers()) {
    out.push_back(BufferInfo{b.buffer_id(), b.session_id(),
                             std::string(convert::BufferKindName(b.kind())), b.shm_name(),
                             b.size_bytes()});
  }
  return out;
}

std::vector<GroupSummary> Inspector::ListGroups() {
  auto r = impl_->Call<v1::ListGroupsResponse>(&v1::InspectionService::Stub::ListGroups,
                                               v1::ListGroupsRequest());
  std::vector<GroupSummary> out;
  for (const auto& g : r.groups()) out.push_back(FromProto(g));
  return out;
}

GroupDetail Inspector::DescribeGroup(const std::string& name) {
  v1::DescribeGroupRequest request;
  request.set_name(name);
  auto r = impl_->Call<v1::DescribeGroupResponse>(
      &v1::InspectionService::Stub::DescribeGroup, request);
  GroupDetail out;
  out.group = FromProto(r.group());
  for (const auto& m : r.members()) out.members.push_back(FromProto(m));
  for (const auto& op : r.in_flight()) out.in_flight.push_back(FromProto(op));
  return out;
}

GroupDump Inspector::DumpGroup(const std::string& name) {
  v1::DumpGroupRequest request;
  request.set_name(name);
  auto r = impl_->Call<v1::DumpGroupResponse>(&v1::InspectionService::Stub::DumpGroup,
                                              request);
  GroupDump out;
  out.group = FromProto(r.group());
  out.capacity = r.capacity();
  out.recorded_ops = r.recorded_ops();
  for (const auto& op : r.ops()) out.ops.push_back(FromProto(op));
  return out;
}

HealthStatus Inspector::CheckHealth(HealthService service) {
  if (auto status = rpc::CheckHealth(impl_->channel(), impl_->timeout(),
                                     std::string(HealthServiceName(service)))) {
    return *status;
  }
  GetVersion();  // no health service: answering at all means serving
  return HealthStatus::kServing;
}

}  // namespace ccs
