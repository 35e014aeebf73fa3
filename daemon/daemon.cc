#include "daemon/daemon.h"

namespace ccs {

Daemon::Daemon(const Config& config)
    : config_(config),
      engine_(MakeHostEngine(HostEngineOptions{config.host_threads})),
      buffers_(config.limits),
      groups_(engine_.get(), config),
      submitter_(&sessions_, &buffers_, &groups_,
                 std::chrono::milliseconds(config.op_timeout_ms)) {
  sessions_.AddCloseListener([this](const Session& s) {
    groups_.OnSessionClosed(s);
    buffers_.DropSession(s.id);
  });
  context_ = server::ServiceContext{&sessions_, &buffers_, &groups_, &submitter_, &peers_,
                                    {std::string(engine_->Name())},
                                    std::chrono::steady_clock::now()};
  server_ = std::make_unique<server::GrpcServer>(context_);
}

Daemon::~Daemon() { Stop(std::chrono::milliseconds(0)); }

Status Daemon::Start() { return server_->Start(config_); }

void Daemon::Stop(std::chrono::milliseconds grace) {
  if (!server_) return;
  groups_.ShutdownAll(Unavailable("ccsd is shutting down; the op did not complete"));
  server_->Stop(grace);
  server_.reset();
}

void Daemon::Reload(const Config& config) {
  buffers_.SetLimits(config.limits);
  groups_.SetLimits(config.limits);
}

}  // namespace ccs
