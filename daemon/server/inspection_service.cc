#include "daemon/server/inspection_service.h"

#include <unistd.h>

#include <map>

#include "daemon/server/convert.h"

#ifndef CCS_VERSION
#define CCS_VERSION "0.0.0"
#endif
#ifndef CCS_GIT_COMMIT
#define CCS_GIT_COMMIT "unknown"
#endif

namespace ccs::server {
namespace {

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
  return Done(context, Status::Ok());
}

grpc::ServerUnaryReactor* InspectionService::ListSessions(
    grpc::CallbackServerContext* context, const v1::ListSessionsRequest*,
    v1::ListSessionsResponse* response) {
  std::map<uint64_t, std::pair<uint32_t, uint64_t>> usage;  // buffers, bytes
  for (const BufferRecord& b : ctx_.buffers->List()) {
    auto& u = usage[b.session_id];
    ++u.first;
    u.second += b.size;
  }
  std::map<uint64_t, uint32_t> groups;
  for (const auto& g : ctx_.groups->List()) {
    for (const MemberView& m : g->View().members) {
      if (m.alive) ++groups[m.session_id];
    }
  }
  for (const Session& s : ctx_.sessions->List()) {
    v1::SessionInfo* p = response->add_sessions();
    p->set_session_id(s.id);
    p->set_uid(s.identity.uid);
    p->set_pid(s.identity.pid);
    p->set_client_name(s.client_name);
    p->set_buffers(usage[s.id].first);
    p->set_mapped_bytes(usage[s.id].second);
    p->set_groups(groups[s.id]);
    p->set_age_ms(MillisSince(s.opened));
  }
  return Done(context, Status::Ok());
}

grpc::ServerUnaryReactor* InspectionService::ListBuffers(grpc::CallbackServerContext* context,
                                                         const v1::ListBuffersRequest*,
                                                         v1::ListBuffersResponse* response) {
  for (const BufferRecord& b : ctx_.buffers->List()) {
    v1::BufferInfo* p = response->add_buffers();
    p->set_buffer_id(b.id);
    p->set_session_id(b.session_id);
    p->set_kind(v1::BUFFER_KIND_HOST_SHM);
    p->set_shm_name(b.shm_name);
    p->set_size_bytes(b.size);
  }
  return Done(context, Status::Ok());
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
  if (g.ok()) ToProto((*g)->View(), response);
  return Done(context, g.status());
}

grpc::ServerUnaryReactor* InspectionService::DumpGroup(grpc::CallbackServerContext* context,
                                                       const v1::DumpGroupRequest* request,
                                                       v1::DumpGroupResponse* response) {
  StatusOr<std::shared_ptr<Group>> g = ctx_.groups->FindByName(request->name());
  if (g.ok()) ToProto((*g)->Dump(), response);
  return Done(context, g.status());
}

}  // namespace ccs::server
