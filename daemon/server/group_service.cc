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

// Authorizes the request's session and starts `start(session, done)`, a
// join; its reactor finishes when `done` runs, or at once with the error.
template <typename Start>
grpc::ServerUnaryReactor* StartJoin(const ServiceContext& ctx,
                                    grpc::CallbackServerContext* context, uint64_t session_id,
                                    v1::JoinGroupResponse* response, Start start) {
  auto* reactor = context->DefaultReactor();
  StatusOr<Session> session =
      ctx.sessions->Authorize(session_id, ctx.peers->Identify(context->peer()));
  Status s = session.ok() ? start(*session, Answer(reactor, response)) : session.status();
  if (!s.ok()) reactor->Finish(ToGrpc(s));
  return reactor;
}

// The daemon's index of the GPU a join names by UUID (-1: none named).
// INVALID_ARGUMENT for a malformed UUID, NOT_FOUND for a GPU this daemon
// does not see, and the device refusal when it serves no device memory.
StatusOr<int32_t> JoinGpu(const ServiceContext& ctx, const std::string& uuid_bytes) {
  if (uuid_bytes.empty()) return -1;
  ASSIGN_OR_RETURN(cuda::DeviceUuid uuid, cuda::DeviceUuidFromBytes(uuid_bytes));
  if (ctx.device_buffers == nullptr) {
    const Status& why = ctx.device_buffers_refusal;
    return Status(why.ok() ? StatusCode::kUnimplemented : why.code(),
                  "a join naming " + cuda::FormatDeviceUuid(uuid) + " refused: " +
                      (why.ok() ? std::string("this ccsd has no device buffer mapper")
                                : std::string(why.message())) +
                      "; join without naming a device");
  }
  const std::vector<cuda::LocalDevice>& devices = ctx.device_buffers->devices();
  ASSIGN_OR_RETURN(cuda::LocalDevice found, cuda::FindDevice(devices, uuid));
  int32_t index = 0;
  while (devices[index].uuid != found.uuid) ++index;
  return index;
}

}  // namespace

grpc::ServerUnaryReactor* GroupService::JoinGroup(grpc::CallbackServerContext* context,
                                                  const v1::JoinGroupRequest* request,
                                                  v1::JoinGroupResponse* response) {
  JoinRequest join{request->name(), request->world_size(), request->rank(),
                   std::chrono::milliseconds(request->timeout_ms())};
  // Completes when the group is READY or formation fails.
  return StartJoin(ctx_, context, request->session_id(), response,
                   [&](const Session& session, JoinDone done) -> Status {
                     ASSIGN_OR_RETURN(join.gpu, JoinGpu(ctx_, request->device_uuid()));
                     return ctx_.groups->Join(session, join, std::move(done));
                   });
}

grpc::ServerUnaryReactor* GroupService::JoinSubgroup(grpc::CallbackServerContext* context,
                                                     const v1::JoinSubgroupRequest* request,
                                                     v1::JoinGroupResponse* response) {
  SubgroupRequest sub{request->parent_group_id(),
                      {request->parent_ranks().begin(), request->parent_ranks().end()},
                      request->name(), request->split_seq(),
                      std::chrono::milliseconds(request->timeout_ms())};
  return StartJoin(ctx_, context, request->session_id(), response,
                   [&](const Session& session, JoinDone done) {
                     return ctx_.groups->JoinSubgroup(session, sub, std::move(done));
                   });
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
