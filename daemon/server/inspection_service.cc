#include "daemon/server/inspection_service.h"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "daemon/server/convert.h"
#include "daemon/server/group_merge.h"

#ifndef CCS_VERSION
#define CCS_VERSION "0.0.0"
#endif
#ifndef CCS_GIT_COMMIT
#define CCS_GIT_COMMIT "unknown"
#endif

namespace ccs::server {
namespace {

// How long asking other nodes may take at most, and the time left to the
// caller after that to receive a partial answer.
constexpr std::chrono::seconds kPeerTimeout{3};
constexpr std::chrono::milliseconds kAnswerMargin{500};

uint64_t MillisSince(std::chrono::steady_clock::time_point t) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - t)
                                   .count());
}

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context, const Status& s) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpc(s));
  return reactor;
}

// When to stop waiting for other nodes: a few seconds, and early enough
// that the caller still gets the partial answer before its own deadline.
std::chrono::system_clock::time_point PeerDeadline(const grpc::CallbackServerContext& context) {
  const auto now = std::chrono::system_clock::now();
  return std::min(now + kPeerTimeout, std::max(now, context.deadline() - kAnswerMargin));
}

}  // namespace

std::string DaemonVersion() { return CCS_VERSION; }
std::string DaemonGitCommit() { return CCS_GIT_COMMIT; }

grpc::ServerUnaryReactor* InspectionService::GetVersion(grpc::CallbackServerContext* context,
                                                        const v1::GetVersionRequest*,
                                                        v1::GetVersionResponse* response) {
  response->set_version(DaemonVersion());
  response->set_git_commit(DaemonGitCommit());
  for (const auto& e : ctx_.engines) response->add_engines(e);
  response->set_pid(getpid());
  response->set_uptime_ms(MillisSince(ctx_.started));
  response->set_nccl_version(ctx_.nccl_version);
  return Done(context, Status::Ok());
}

namespace {

// Per session: its buffers and mapped bytes, and the groups it is a live
// member of.
struct SessionUsage {
  uint32_t buffers = 0;
  uint64_t bytes = 0;
  uint32_t groups = 0;
};

std::map<uint64_t, SessionUsage> UsageBySession(const ServiceContext& ctx) {
  std::map<uint64_t, SessionUsage> usage;
  for (const BufferRecord& b : ctx.buffers->List()) {
    ++usage[b.session_id].buffers;
    usage[b.session_id].bytes += b.size;
  }
  for (const auto& g : ctx.groups->List()) {
    for (const MemberView& m : g->View().members) {
      if (m.alive && !m.remote) ++usage[m.session_id].groups;
    }
  }
  return usage;
}

void FillSession(const Session& s, const SessionUsage& usage, v1::SessionInfo* p) {
  p->set_session_id(s.id);
  p->set_uid(s.identity.uid);
  p->set_pid(s.identity.pid);
  p->set_client_name(s.client_name);
  p->set_buffers(usage.buffers);
  p->set_mapped_bytes(usage.bytes);
  p->set_groups(usage.groups);
  p->set_age_ms(MillisSince(s.opened));
}

void FillBuffer(const BufferRecord& b, v1::BufferInfo* p) {
  p->set_buffer_id(b.id);
  p->set_session_id(b.session_id);
  if (b.kind == BufferKind::kCudaIpc) {
    p->set_kind(v1::BUFFER_KIND_CUDA_IPC);
    p->set_device_uuid(b.device);
  } else {
    p->set_kind(v1::BUFFER_KIND_HOST_SHM);
    p->set_shm_name(b.shm_name);
  }
  p->set_size_bytes(b.size);
}

void AddOp(const GroupView& g, const InFlightView& op,
           google::protobuf::RepeatedPtrField<v1::GroupOp>* out) {
  v1::GroupOp* p = out->Add();
  p->set_group(g.name);
  p->set_epoch(g.epoch);
  ToProto(op, p->mutable_op());
}

bool Involves(const InFlightView& op, uint32_t rank) {
  auto has = [rank](const std::vector<uint32_t>& ranks) {
    return std::find(ranks.begin(), ranks.end(), rank) != ranks.end();
  };
  return has(op.arrived) || has(op.missing);
}

// Views of every group, by name.
std::vector<GroupView> GroupViews(const ServiceContext& ctx) {
  std::vector<GroupView> views;
  for (const auto& g : ctx.groups->List()) views.push_back(g->View());
  std::sort(views.begin(), views.end(),
            [](const GroupView& a, const GroupView& b) { return a.name < b.name; });
  return views;
}

}  // namespace

grpc::ServerUnaryReactor* InspectionService::ListSessions(
    grpc::CallbackServerContext* context, const v1::ListSessionsRequest*,
    v1::ListSessionsResponse* response) {
  std::map<uint64_t, SessionUsage> usage = UsageBySession(ctx_);
  for (const Session& s : ctx_.sessions->List()) {
    FillSession(s, usage[s.id], response->add_sessions());
  }
  return Done(context, Status::Ok());
}

grpc::ServerUnaryReactor* InspectionService::ListBuffers(grpc::CallbackServerContext* context,
                                                         const v1::ListBuffersRequest*,
                                                         v1::ListBuffersResponse* response) {
  for (const BufferRecord& b : ctx_.buffers->List()) FillBuffer(b, response->add_buffers());
  return Done(context, Status::Ok());
}

grpc::ServerUnaryReactor* InspectionService::ListOps(grpc::CallbackServerContext* context,
                                                     const v1::ListOpsRequest*,
                                                     v1::ListOpsResponse* response) {
  for (const GroupView& g : GroupViews(ctx_)) {
    for (const InFlightView& op : g.in_flight) AddOp(g, op, response->mutable_ops());
  }
  return Done(context, Status::Ok());
}

grpc::ServerUnaryReactor* InspectionService::DescribeSession(
    grpc::CallbackServerContext* context, const v1::DescribeSessionRequest* request,
    v1::DescribeSessionResponse* response) {
  const uint64_t id = request->session_id();
  const std::vector<Session> sessions = ctx_.sessions->List();
  auto s = std::find_if(sessions.begin(), sessions.end(),
                        [id](const Session& x) { return x.id == id; });
  if (s == sessions.end()) {
    return Done(context, NotFound("no session " + std::to_string(id) +
                                  " on this daemon (ccsctl get sessions lists them)"));
  }
  FillSession(*s, UsageBySession(ctx_)[id], response->mutable_session());
  for (const BufferRecord& b : ctx_.buffers->List()) {
    if (b.session_id == id) FillBuffer(b, response->add_buffers());
  }
  for (const GroupView& g : GroupViews(ctx_)) {
    std::vector<uint32_t> held;
    for (const MemberView& m : g.members) {
      if (!m.joined || m.remote || m.session_id != id) continue;
      held.push_back(m.rank);
      v1::SessionRank* r = response->add_ranks();
      r->set_group(g.name);
      r->set_epoch(g.epoch);
      r->set_rank(m.rank);
      r->set_world_size(g.world_size);
      r->set_state(ToProto(g.state));
      r->set_last_completed_seq(m.last_completed_seq);
    }
    for (const InFlightView& op : g.in_flight) {
      if (std::any_of(held.begin(), held.end(), [&](uint32_t r) { return Involves(op, r); })) {
        AddOp(g, op, response->mutable_ops());
      }
    }
  }
  return Done(context, Status::Ok());
}

grpc::ServerUnaryReactor* InspectionService::ListNodes(grpc::CallbackServerContext* context,
                                                       const v1::ListNodesRequest*,
                                                       v1::ListNodesResponse* response) {
  v1::NodeInfo* self = response->add_nodes();
  self->set_name(ctx_.node_name);
  self->set_peer_address(ctx_.peer_address);
  self->set_self(true);
  self->set_rendezvous_root(ctx_.rendezvous_root);
  self->set_version(DaemonVersion());
  self->set_reachable(true);
  // Other nodes by address: those of multi-node groups, and the root.
  std::map<std::string, v1::NodeInfo> others;
  for (const GroupView& g : GroupViews(ctx_)) {
    for (const NodeView& n : g.nodes) {
      if (n.self) {
        self->add_groups(g.name);
        continue;
      }
      v1::NodeInfo& info = others[n.peer_address];
      info.set_name(n.name);
      info.set_peer_address(n.peer_address);
      info.add_groups(g.name);
    }
  }
  if (!ctx_.rendezvous.empty() && !ctx_.rendezvous_root) {
    others[ctx_.rendezvous].set_peer_address(ctx_.rendezvous);
  }
  std::vector<std::string> addresses;
  for (auto& [address, info] : others) {
    addresses.push_back(address);
    *response->add_nodes() = std::move(info);
  }
  if (addresses.empty()) return Done(context, Status::Ok());
  auto* reactor = context->DefaultReactor();
  peers_.GetNodes(addresses, PeerDeadline(*context), [response, reactor](auto answers) {
    for (size_t i = 0; i < answers.size(); ++i) {
      v1::NodeInfo& info = *response->mutable_nodes(static_cast<int>(i) + 1);
      info.set_rtt_us(static_cast<uint64_t>(answers[i].rtt.count()));
      if (!answers[i].status.ok()) {
        info.set_error(answers[i].status.ToString());
        continue;
      }
      const v1::GetNodeResponse& node = answers[i].response;
      info.set_reachable(true);
      if (info.name().empty()) info.set_name(node.node_name());
      if (info.name() != node.node_name()) {
        info.set_error("answers as node '" + node.node_name() + "'");
      }
      info.set_version(node.version());
      info.set_rendezvous_root(node.rendezvous_root());
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* InspectionService::ListGroups(grpc::CallbackServerContext* context,
                                                        const v1::ListGroupsRequest*,
                                                        v1::ListGroupsResponse* response) {
  for (const auto& g : ctx_.groups->List()) ToProto(g->View(), response->add_groups());
  return Done(context, Status::Ok());
}

grpc::ServerUnaryReactor* InspectionService::DescribeGroup(
    grpc::CallbackServerContext* context, const v1::DescribeGroupRequest* request,
    v1::DescribeGroupResponse* response) {
  StatusOr<std::shared_ptr<Group>> g = ctx_.groups->FindByName(request->name());
  if (!g.ok()) return Done(context, g.status());
  ToProto((*g)->View(), ctx_.node_name, response);
  std::vector<std::string> addresses;
  std::vector<int> asked;  // node index per address
  for (int k = 0; k < response->nodes_size(); ++k) {
    v1::GroupNode& node = *response->mutable_nodes(k);
    if (node.self()) continue;
    if (request->local_only()) {
      AddNodeError("not asked (local_only)", node);
    } else {
      addresses.push_back(node.peer_address());
      asked.push_back(k);
    }
  }
  if (addresses.empty()) return Done(context, Status::Ok());
  auto* reactor = context->DefaultReactor();
  peers_.DescribeGroup(request->name(), addresses, PeerDeadline(*context),
                       [response, reactor, asked](auto answers) {
                         for (size_t i = 0; i < answers.size(); ++i) {
                           v1::GroupNode& node = *response->mutable_nodes(asked[i]);
                           if (answers[i].status.ok()) {
                             AddNodeAnswer(answers[i].response, node, *response);
                           } else {
                             AddNodeError(answers[i].status.ToString(), node);
                           }
                         }
                         CompleteMerge(*response);
                         reactor->Finish(grpc::Status::OK);
                       });
  return reactor;
}

grpc::ServerUnaryReactor* InspectionService::DumpGroup(grpc::CallbackServerContext* context,
                                                       const v1::DumpGroupRequest* request,
                                                       v1::DumpGroupResponse* response) {
  StatusOr<std::shared_ptr<Group>> g = ctx_.groups->FindByName(request->name());
  if (g.ok()) ToProto((*g)->Dump(), response);
  return Done(context, g.status());
}

}  // namespace ccs::server
