// CollectiveService adapter: hands each request to the CollectiveSubmitter;
// the reply is sent when the group's executor completes the op.
#pragma once

#include "ccs/v1/collective.grpc.pb.h"
#include "daemon/server/service_context.h"

namespace ccs::server {

class CollectiveService final : public v1::CollectiveService::CallbackService {
 public:
  explicit CollectiveService(const ServiceContext& ctx) : ctx_(ctx) {}
  grpc::ServerUnaryReactor* RunCollective(grpc::CallbackServerContext* context,
                                          const v1::RunCollectiveRequest* request,
                                          v1::RunCollectiveResponse* response) override;

 private:
  const ServiceContext& ctx_;
};

}  // namespace ccs::server
