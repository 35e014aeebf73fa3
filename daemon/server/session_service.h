// SessionService adapter: one long-lived stream per client session.
#pragma once

#include <mutex>
#include <set>

#include "ccs/v1/session.grpc.pb.h"
#include "daemon/server/service_context.h"

namespace ccs::server {

class SessionReactor;

class SessionService final : public v1::SessionService::CallbackService {
 public:
  explicit SessionService(const ServiceContext& ctx) : ctx_(ctx) {}
  grpc::ServerWriteReactor<v1::OpenSessionResponse>* OpenSession(
      grpc::CallbackServerContext* context,
      const v1::OpenSessionRequest* request) override;

  // Ends every open session stream with `status` (the daemon is stopping),
  // so that each client learns why its session ended; the sessions close as
  // if their clients had gone. Thread-safe; does not block on clients.
  void EndAll(const grpc::Status& status);

 private:
  friend class SessionReactor;
  // Reactor bookkeeping for EndAll: a reactor is deleted by whichever of
  // OnDone and EndAll lets go of it last.
  void Track(SessionReactor* reactor);
  void Done(SessionReactor* reactor);

  const ServiceContext& ctx_;
  std::mutex mu_;
  std::set<SessionReactor*> open_;
};

}  // namespace ccs::server
