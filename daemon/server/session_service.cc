#include "daemon/server/session_service.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <vector>

#include "daemon/server/convert.h"

namespace ccs::server {

// Writes the session id, then holds the stream open until the client goes
// away (OnCancel), the server shuts down, or SessionService::EndAll; each
// ends the session.
class SessionReactor : public grpc::ServerWriteReactor<v1::OpenSessionResponse> {
 public:
  SessionReactor(SessionService* service, const ServiceContext& ctx,
                 grpc::CallbackServerContext* context,
                 const v1::OpenSessionRequest* request)
      : service_(service), ctx_(ctx) {
    service_->Track(this);
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
  void OnDone() override { service_->Done(this); }

  // Ends the session and finishes the stream with `status`, once.
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

  // Guarded by SessionService::mu_.
  int pins = 0;
  bool done = false;

 private:
  SessionService* const service_;
  const ServiceContext& ctx_;
  std::mutex mu_;
  bool finished_ = false;
  uint64_t session_id_ = 0;
  v1::OpenSessionResponse response_;
};

grpc::ServerWriteReactor<v1::OpenSessionResponse>* SessionService::OpenSession(
    grpc::CallbackServerContext* context, const v1::OpenSessionRequest* request) {
  return new SessionReactor(this, ctx_, context, request);
}

void SessionService::Track(SessionReactor* reactor) {
  std::lock_guard lock(mu_);
  open_.insert(reactor);
}

void SessionService::Done(SessionReactor* reactor) {
  {
    std::lock_guard lock(mu_);
    open_.erase(reactor);
    reactor->done = true;
    if (reactor->pins > 0) return;  // EndAll deletes it
  }
  delete reactor;
}

void SessionService::EndAll(const grpc::Status& status) {
  std::vector<SessionReactor*> reactors;
  {
    std::lock_guard lock(mu_);
    for (SessionReactor* r : open_) {
      ++r->pins;
      reactors.push_back(r);
    }
  }
  for (SessionReactor* r : reactors) r->End(status);
  for (SessionReactor* r : reactors) {
    bool release = false;
    {
      std::lock_guard lock(mu_);
      release = --r->pins == 0 && r->done;
    }
    if (release) delete r;
  }
}

}  // namespace ccs::server
