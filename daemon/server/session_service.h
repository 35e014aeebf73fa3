// SessionService adapter: one long-lived stream per client session.
#pragma once

#include "ccs/v1/session.grpc.pb.h"
#include "daemon/server/service_context.h"

namespace ccs::server {

class SessionService final : public v1::SessionService::CallbackService {
 public:
  explicit SessionService(const ServiceContext& ctx) : ctx_(ctx) {}
  grpc::ServerWriteReactor<v1::OpenSessionResponse>* OpenSession(
      grpc::CallbackServerContext* context, const v1::OpenSessionRequest* request) override;

 private:
  const ServiceContext& ctx_;
};

}  // namespace ccs::server
