#include "daemon/server/metadata_service.h"

#include "daemon/server/convert.h"

namespace ccs::server {

grpc::ServerUnaryReactor* MetadataService::Object(grpc::CallbackServerContext* context,
                                                  meta::ObjectCall call,
                                                  v1::ObjectResponse* response) {
  auto* reactor = context->DefaultReactor();
  ctx_.meta->RunObject(ctx_.peers->Identify(context->peer()), std::move(call),
                       [reactor, response](const Status& s, meta::ObjectResult r) {
                         ToProto(std::move(r), response);
                         reactor->Finish(ToGrpc(s));
                       });
  return reactor;
}

grpc::ServerUnaryReactor* MetadataService::Kv(
    grpc::CallbackServerContext* context, meta::KvCall call,
    std::function<void(const meta::KvResult&)> fill) {
  auto* reactor = context->DefaultReactor();
  ctx_.meta->RunKv(
      ctx_.peers->Identify(context->peer()), std::move(call),
      [reactor, fill = std::move(fill)](const Status& s, const meta::KvResult& r) {
        if (s.ok()) fill(r);
        reactor->Finish(ToGrpc(s));
      });
  return reactor;
}

grpc::ServerUnaryReactor* MetadataService::BroadcastObject(
    grpc::CallbackServerContext* context, const v1::BroadcastObjectRequest* request,
    v1::ObjectResponse* response) {
  return Object(context, FromProto(*request), response);
}

grpc::ServerUnaryReactor* MetadataService::AllGatherObject(
    grpc::CallbackServerContext* context, const v1::AllGatherObjectRequest* request,
    v1::ObjectResponse* response) {
  return Object(context, FromProto(*request), response);
}

grpc::ServerUnaryReactor* MetadataService::ScatterObject(
    grpc::CallbackServerContext* context, const v1::ScatterObjectRequest* request,
    v1::ObjectResponse* response) {
  return Object(context, FromProto(*request), response);
}

grpc::ServerUnaryReactor* MetadataService::SendObject(
    grpc::CallbackServerContext* context, const v1::SendObjectRequest* request,
    v1::ObjectResponse* response) {
  return Object(context, FromProto(*request), response);
}

grpc::ServerUnaryReactor* MetadataService::RecvObject(
    grpc::CallbackServerContext* context, const v1::RecvObjectRequest* request,
    v1::ObjectResponse* response) {
  return Object(context, FromProto(*request), response);
}

grpc::ServerUnaryReactor* MetadataService::KvSet(grpc::CallbackServerContext* context,
                                                 const v1::KvSetRequest* request,
                                                 v1::KvSetResponse*) {
  return Kv(context, FromProto(*request), [](const meta::KvResult&) {});
}

grpc::ServerUnaryReactor* MetadataService::KvGet(grpc::CallbackServerContext* context,
                                                 const v1::KvGetRequest* request,
                                                 v1::KvGetResponse* response) {
  return Kv(context, FromProto(*request),
            [response](const meta::KvResult& r) { response->set_value(r.value); });
}

grpc::ServerUnaryReactor* MetadataService::KvWait(grpc::CallbackServerContext* context,
                                                  const v1::KvWaitRequest* request,
                                                  v1::KvWaitResponse*) {
  return Kv(context, FromProto(*request), [](const meta::KvResult&) {});
}

grpc::ServerUnaryReactor* MetadataService::KvAdd(grpc::CallbackServerContext* context,
                                                 const v1::KvAddRequest* request,
                                                 v1::KvAddResponse* response) {
  return Kv(context, FromProto(*request),
            [response](const meta::KvResult& r) { response->set_value(r.number); });
}

grpc::ServerUnaryReactor* MetadataService::KvCompareAndSet(
    grpc::CallbackServerContext* context, const v1::KvCompareAndSetRequest* request,
    v1::KvCompareAndSetResponse* response) {
  return Kv(context, FromProto(*request), [response](const meta::KvResult& r) {
    response->set_swapped(r.flag);
    response->set_current(r.value);
  });
}

grpc::ServerUnaryReactor* MetadataService::KvDelete(grpc::CallbackServerContext* context,
                                                    const v1::KvDeleteRequest* request,
                                                    v1::KvDeleteResponse* response) {
  return Kv(context, FromProto(*request),
            [response](const meta::KvResult& r) { response->set_existed(r.flag); });
}

}  // namespace ccs::server
