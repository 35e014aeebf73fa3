#include "daemon/server/session_service.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "daemon/server/convert.h"

namespace ccs::server {
namespace {

// Writes the session id, then holds the stream open until the client goes
// away (OnCancel) or the server shuts down; either ends the session.
class SessionReactor : public grpc::ServerWriteReactor<v1::OpenSessionResponse> {
 public:
  SessionReactor(const ServiceContext& ctx, grpc::CallbackServerContext* context,
                 const v1::OpenSessionRequest* request)
      : ctx_(ctx) {
    PeerIdentity who = ctx.peers->Identify(context->peer());
    StatusOr<Session> session = ctx.sessions->Open(who, request->client_name());
    if (!session.ok()) {
      finished_ = true;
      Finish(ToGrpc(session.status()));
      return;
    }
    session_id_ = session->id;
    spdlog::info("session {} opened by pid {} uid {} ({})", session_id_, who.pid, who.uid,
                 request->client_name());
    response_.set_session_id(session_id_);
    response_.set_uid(who.uid);
    response_.set_pid(who.pid);
    response_.set_daemon_version(DaemonVersion());
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "session stream broke"));
  }
  void OnCancel() override { End(grpc::Status::CANCELLED); }
  void OnDone() override { delete this; }

 private:
  void End(const grpc::Status& status) {
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      finished_ = true;
    }
    spdlog::info("session {} ended", session_id_);
    ctx_.sessions->Close(session_id_);
    Finish(status);
  }

  const ServiceContext& ctx_;
  std::mutex mu_;
  bool finished_ = false;
  uint64_t session_id_ = 0;
  v1::OpenSessionResponse response_;
};

}  // namespace

grpc::ServerWriteReactor<v1::OpenSessionResponse>* SessionService::OpenSession(
    grpc::CallbackServerContext* context, const v1::OpenSessionRequest* request) {
  return new SessionReactor(ctx_, context, request);
}

}  // namespace ccs::server
