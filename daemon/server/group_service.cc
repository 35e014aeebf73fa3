#include "daemon/server/group_service.h"

#include "daemon/server/convert.h"

namespace ccs::server {
namespace {

// Finishes a join's reactor with the group it joined, or the failure.
JoinDone Answer(grpc::ServerUnaryReactor* reactor, v1::JoinGroupResponse* response) {
  return [reactor, response](const Status& st, const JoinResult& r) {
    if (st.ok()) {
      response->set_group_id(r.group_id);
      response->set_epoch(r.epoch);
      response->set_world_size(r.world_size);
      response->set_rank(r.rank);
    }
    reactor->Finish(ToGrpc(st));
  };
}

}  // namespace

grpc::ServerUnaryReactor* GroupService::JoinGroup(grpc::CallbackServerContext* context,
                                                  const v1::JoinGroupRequest* request,
                                                  v1::JoinGroupResponse* response) {
  auto* reactor = context->DefaultReactor();
  StatusOr<Session> session =
      ctx_.sessions->Authorize(request->session_id(), ctx_.peers->Identify(context->peer()));
  if (!session.ok()) {
    reactor->Finish(ToGrpc(session.status()));
    return reactor;
  }
  JoinRequest join{request->name(), request->world_size(), request->rank(),
                   std::chrono::milliseconds(request->timeout_ms())};
  // Completes when the group is READY or formation fails.
  Status s = ctx_.groups->Join(*session, join, Answer(reactor, response));
  if (!s.ok()) reactor->Finish(ToGrpc(s));
  return reactor;
}

grpc::ServerUnaryReactor* GroupService::JoinSubgroup(grpc::CallbackServerContext* context,
                                                     const v1::JoinSubgroupRequest* request,
                                                     v1::JoinGroupResponse* response) {
  auto* reactor = context->DefaultReactor();
  StatusOr<Session> session =
      ctx_.sessions->Authorize(request->session_id(), ctx_.peers->Identify(context->peer()));
  if (!session.ok()) {
    reactor->Finish(ToGrpc(session.status()));
    return reactor;
  }
  SubgroupRequest sub{request->parent_group_id(),
                      {request->parent_ranks().begin(), request->parent_ranks().end()},
                      request->name(), request->split_seq(),
                      std::chrono::milliseconds(request->timeout_ms())};
  Status s = ctx_.groups->JoinSubgroup(*session, sub, Answer(reactor, response));
  if (!s.ok()) reactor->Finish(ToGrpc(s));
  return reactor;
}

grpc::ServerUnaryReactor* GroupService::LeaveGroup(grpc::CallbackServerContext* context,
                                                   const v1::LeaveGroupRequest* request,
                                                   v1::LeaveGroupResponse* response) {
  auto* reactor = context->DefaultReactor();
  StatusOr<Session> session =
      ctx_.sessions->Authorize(request->session_id(), ctx_.peers->Identify(context->peer()));
  Status s = session.ok() ? ctx_.groups->Leave(session->id, request->group_id())
                          : session.status();
  reactor->Finish(ToGrpc(s));
  return reactor;
}

}  // namespace ccs::server
