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
  MemberInfo out;
  out.rank = m.rank();
  out.joined = m.joined();
  out.session_id = m.session_id();
  out.pid = m.pid();
  out.uid = m.uid();
  out.last_completed_seq = m.last_completed_seq();
  out.alive = m.alive();
  out.node = m.node();
  out.remote = m.remote();
  out.last_completed_kind = convert::FromProto(m.last_completed_kind());
  return out;
}

GroupNode FromProto(const v1::GroupNode& n) {
  GroupNode out;
  out.name = n.name();
  out.peer_address = n.peer_address();
  out.self = n.self();
  out.answered = n.answered();
  out.error = n.error();
  out.state = convert::FromProto(n.state());
  out.ranks.assign(n.ranks().begin(), n.ranks().end());
  return out;
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
  for (const auto& a : op.arrivals()) out.arrivals.push_back({a.rank(), a.waiting_ms()});
  out.unknown_ranks.assign(op.unknown_ranks().begin(), op.unknown_ranks().end());
  return out;
}

SessionInfo FromProto(const v1::SessionInfo& s) {
  return SessionInfo{s.session_id(), s.uid(),    s.pid(),          s.client_name(),
                     s.buffers(),    s.mapped_bytes(), s.groups(), s.age_ms()};
}

BufferInfo FromProto(const v1::BufferInfo& b) {
  return BufferInfo{b.buffer_id(), b.session_id(),
                    std::string(convert::BufferKindName(b.kind())), b.shm_name(), b.size_bytes(),
                    b.device_uuid()};
}

GroupOp FromProto(const v1::GroupOp& op) {
  return GroupOp{op.group(), op.epoch(), FromProto(op.op())};
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
  return VersionInfo{r.version(),
                     r.git_commit(),
                     std::vector<std::string>(r.engines().begin(), r.engines().end()),
                     r.pid(),
                     r.uptime_ms(),
                     r.nccl_version()};
}

std::vector<SessionInfo> Inspector::ListSessions() {
  auto r = impl_->Call<v1::ListSessionsResponse>(
      &v1::InspectionService::Stub::ListSessions, v1::ListSessionsRequest());
  std::vector<SessionInfo> out;
  for (const auto& s : r.sessions()) out.push_back(FromProto(s));
  return out;
}

std::vector<BufferInfo> Inspector::ListBuffers() {
  auto r = impl_->Call<v1::ListBuffersResponse>(&v1::InspectionService::Stub::ListBuffers,
                                                v1::ListBuffersRequest());
  std::vector<BufferInfo> out;
  for (const auto& b : r.buffers()) out.push_back(FromProto(b));
  return out;
}

std::vector<GroupSummary> Inspector::ListGroups() {
  auto r = impl_->Call<v1::ListGroupsResponse>(&v1::InspectionService::Stub::ListGroups,
                                               v1::ListGroupsRequest());
  std::vector<GroupSummary> out;
  for (const auto& g : r.groups()) out.push_back(FromProto(g));
  return out;
}

GroupDetail Inspector::DescribeGroup(const std::string& name, bool local_only) {
  v1::DescribeGroupRequest request;
  request.set_name(name);
  request.set_local_only(local_only);
  auto r = impl_->Call<v1::DescribeGroupResponse>(
      &v1::InspectionService::Stub::DescribeGroup, request);
  GroupDetail out;
  out.group = FromProto(r.group());
  for (const auto& m : r.members()) out.members.push_back(FromProto(m));
  for (const auto& op : r.in_flight()) out.in_flight.push_back(FromProto(op));
  for (const auto& n : r.nodes()) out.nodes.push_back(FromProto(n));
  return out;
}

std::vector<NodeInfo> Inspector::ListNodes() {
  auto r = impl_->Call<v1::ListNodesResponse>(&v1::InspectionService::Stub::ListNodes,
                                              v1::ListNodesRequest());
  std::vector<NodeInfo> out;
  for (const auto& n : r.nodes()) {
    NodeInfo info;
    info.name = n.name();
    info.peer_address = n.peer_address();
    info.self = n.self();
    info.rendezvous_root = n.rendezvous_root();
    info.version = n.version();
    info.reachable = n.reachable();
    info.error = n.error();
    info.rtt_us = n.rtt_us();
    info.groups.assign(n.groups().begin(), n.groups().end());
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<GroupOp> Inspector::ListOps() {
  auto r = impl_->Call<v1::ListOpsResponse>(&v1::InspectionService::Stub::ListOps,
                                            v1::ListOpsRequest());
  std::vector<GroupOp> out;
  for (const auto& op : r.ops()) out.push_back(FromProto(op));
  return out;
}

SessionDetail Inspector::DescribeSession(uint64_t session_id) {
  v1::DescribeSessionRequest request;
  request.set_session_id(session_id);
  auto r = impl_->Call<v1::DescribeSessionResponse>(
      &v1::InspectionService::Stub::DescribeSession, request);
  SessionDetail out;
  out.session = FromProto(r.session());
  for (const auto& b : r.buffers()) out.buffers.push_back(FromProto(b));
  for (const auto& rank : r.ranks()) {
    out.ranks.push_back(SessionRank{rank.group(), rank.epoch(), rank.rank(), rank.world_size(),
                                    convert::FromProto(rank.state()),
                                    rank.last_completed_seq()});
  }
  for (const auto& op : r.ops()) out.ops.push_back(FromProto(op));
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
