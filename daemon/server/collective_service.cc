#include "daemon/server/collective_service.h"

#include "daemon/server/convert.h"

namespace ccs::server {

grpc::ServerUnaryReactor* CollectiveService::RunCollective(
    grpc::CallbackServerContext* context, const v1::RunCollectiveRequest* request,
    v1::RunCollectiveResponse* response) {
  auto* reactor = context->DefaultReactor();
  StatusOr<CollectiveCall> call = FromProto(*request);
  if (!call.ok()) {
    reactor->Finish(ToGrpc(call.status()));
    return reactor;
  }
  ctx_.submitter->Submit(ctx_.peers->Identify(context->peer()), request->session_id(),
                         request->group_id(), std::move(call.value()),
                         [reactor, response](const Status& s, uint64_t seq) {
                           response->set_seq(seq);
                           reactor->Finish(ToGrpc(s));
                         });
  return reactor;
}

}  // namespace ccs::server
