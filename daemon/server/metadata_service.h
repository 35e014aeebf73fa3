// MetadataService adapter: converts each request into a MetadataPlane call;
// the reply is sent from the plane's worker when the call completes. Never
// blocks a gRPC thread.
#pragma once

#include <functional>

#include "ccs/v1/metadata.grpc.pb.h"
#include "daemon/server/service_context.h"

namespace ccs::server {

class MetadataService final : public v1::MetadataService::CallbackService {
 public:
  explicit MetadataService(const ServiceContext& ctx) : ctx_(ctx) {}

  grpc::ServerUnaryReactor* BroadcastObject(grpc::CallbackServerContext* context,
                                            const v1::BroadcastObjectRequest* request,
                                            v1::ObjectResponse* response) override;
  grpc::ServerUnaryReactor* AllGatherObject(grpc::CallbackServerContext* context,
                                            const v1::AllGatherObjectRequest* request,
                                            v1::ObjectResponse* response) override;
  grpc::ServerUnaryReactor* ScatterObject(grpc::CallbackServerContext* context,
                                          const v1::ScatterObjectRequest* request,
                                          v1::ObjectResponse* response) override;
  grpc::ServerUnaryReactor* SendObject(grpc::CallbackServerContext* context,
                                       const v1::SendObjectRequest* request,
                                       v1::ObjectResponse* response) override;
  grpc::ServerUnaryReactor* RecvObject(grpc::CallbackServerContext* context,
                                       const v1::RecvObjectRequest* request,
                                       v1::ObjectResponse* response) override;

  grpc::ServerUnaryReactor* KvSet(grpc::CallbackServerContext* context,
                                  const v1::KvSetRequest* request,
                                  v1::KvSetResponse* response) override;
  grpc::ServerUnaryReactor* KvGet(grpc::CallbackServerContext* context,
                                  const v1::KvGetRequest* request,
                                  v1::KvGetResponse* response) override;
  grpc::ServerUnaryReactor* KvWait(grpc::CallbackServerContext* context,
                                   const v1::KvWaitRequest* request,
                                   v1::KvWaitResponse* response) override;
  grpc::ServerUnaryReactor* KvAdd(grpc::CallbackServerContext* context,
                                  const v1::KvAddRequest* request,
                                  v1::KvAddResponse* response) override;
  grpc::ServerUnaryReactor* KvCompareAndSet(
      grpc::CallbackServerContext* context, const v1::KvCompareAndSetRequest* request,
      v1::KvCompareAndSetResponse* response) override;
  grpc::ServerUnaryReactor* KvDelete(grpc::CallbackServerContext* context,
                                     const v1::KvDeleteRequest* request,
                                     v1::KvDeleteResponse* response) override;

 private:
  // Hands `call` to the plane; the reply carries its result.
  grpc::ServerUnaryReactor* Object(grpc::CallbackServerContext* context,
                                   meta::ObjectCall call, v1::ObjectResponse* response);
  // Hands `call` to the plane; `fill` copies a successful result into the
  // response before the reactor finishes.
  grpc::ServerUnaryReactor* Kv(grpc::CallbackServerContext* context, meta::KvCall call,
                               std::function<void(const meta::KvResult&)> fill);

  const ServiceContext& ctx_;
};

}  // namespace ccs::server
