#include "daemon/daemon.h"

#include <spdlog/spdlog.h>

#include "daemon/engine/cuda/environment.h"

namespace ccs {
namespace {

// How long Stop waits for an op already inside the engine to finish.
constexpr std::chrono::seconds kExecutorStopTimeout{10};

}  // namespace

Daemon::Daemon(const Config& config)
    : config_(config),
      metrics_(server::DaemonVersion(), server::DaemonGitCommit()),
      engine_(MakeHostEngine(HostEngineOptions{config.host_threads})),
      cluster_(cluster::SetUpCluster(config, engine_.get())),
      buffers_(config.limits),
      groups_(engine_.get(), config, &metrics_,
              cluster_.ok() ? cluster_.value().cluster.get() : nullptr),
      submitter_(&sessions_, &buffers_, &groups_,
                 std::chrono::milliseconds(config.op_timeout_ms)) {
  sessions_.AddCloseListener([this](const Session& s) {
    groups_.OnSessionClosed(s);
    buffers_.DropSession(s.id);
  });
  context_ = server::ServiceContext{&sessions_,
                                    &buffers_,
                                    &groups_,
                                    &submitter_,
                                    &peers_,
                                    {std::string(engine_->Name())},
                                    std::chrono::steady_clock::now()};
  server_ = std::make_unique<server::GrpcServer>(context_);
  metrics_.SetGaugeSource([this] { return SampleGauges(); });
}

Daemon::~Daemon() {
  Stop(Unavailable("ccsd is shutting down; the op did not complete"),
       std::chrono::milliseconds(0));
}

Status Daemon::Start() {
  RETURN_IF_ERROR(cluster_.status());
  if (!config_.peer_listen.empty()) {
    const cluster::ClusterSetup& c = cluster_.value();
    ASSIGN_OR_RETURN(peer_server_,
                     server::PeerServer::Start(
                         config_.peer_listen,
                         {c.node_name, c.peer_advertise, server::DaemonVersion()},
                         c.root_store));
    spdlog::info("node '{}': serving peers on {}{}", c.node_name, config_.peer_listen,
                 c.root_store ? " (rendezvous root: serving the store)"
                 : config_.rendezvous.empty() ? ""
                                              : " (rendezvous root: " + config_.rendezvous + ")");
  }
  // Metrics first: a bad metrics_listen stops ccsd before its socket exists.
  if (!config_.metrics_listen.empty()) {
    ASSIGN_OR_RETURN(metrics_http_,
                     MetricsHttpServer::Start(config_.metrics_listen,
                                              [this] { return metrics_.Render(); }));
    spdlog::info("metrics: serving Prometheus metrics on http://{}/metrics",
                 metrics_http_->address());
  }
  cuda::LogCudaEnvironment(config_.nccl_library);
  RETURN_IF_ERROR(server_->Start(config_));
  server_->SetHealth(/*live=*/true, /*ready=*/true);
  return Status::Ok();
}

void Daemon::BeginDrain() {
  if (server_) server_->SetHealth(/*live=*/true, /*ready=*/false);
  groups_.BeginDrain(Unavailable(
      "ccsd is draining (it received SIGTERM): it starts no new groups and no new ops; "
      "ops that a rank had already started may still finish; retry against the restarted "
      "ccsd"));
}

size_t Daemon::InFlightOps() const { return groups_.InFlightOps(); }

void Daemon::Stop(const Status& why, std::chrono::milliseconds grace) {
  if (!server_) return;
  const size_t running = groups_.ShutdownAll(why, Clock::now() + kExecutorStopTimeout);
  if (running > 0) {
    spdlog::warn(
        "{} group executor(s) still inside the engine after {} s; stopping anyway",
        running, kExecutorStopTimeout.count());
  }
  server_->EndSessions(why);
  spdlog::debug("stop: groups and sessions ended");
  server_->Stop(grace);
  server_.reset();
  if (peer_server_) peer_server_->Stop(std::chrono::milliseconds(0));
  peer_server_.reset();
  metrics_http_.reset();
  spdlog::info("stopped");
}

void Daemon::Reload(const Config& config) {
  buffers_.SetLimits(config.limits);
  groups_.SetLimits(config.limits);
}

GaugeValues Daemon::SampleGauges() const {
  GaugeValues g;
  for (const auto& group : groups_.List()) {
    ++g.groups_by_state[static_cast<size_t>(group->state())];
  }
  g.sessions = sessions_.List().size();
  for (const BufferRecord& b : buffers_.List()) {
    ++g.buffers;
    g.mapped_bytes += b.size;
  }
  return g;
}

}  // namespace ccs
