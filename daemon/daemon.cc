#include "daemon/daemon.h"

#include <spdlog/spdlog.h>

#include <map>

#include "daemon/engine/cuda/device_engine_setup.h"
#include "daemon/engine/cuda/environment.h"
#include "daemon/rendezvous/address.h"

namespace ccs {
namespace {

std::shared_ptr<rendezvous::Store> MetaStore(
    const StatusOr<cluster::ClusterSetup>& cluster) {
  if (cluster.ok() && cluster.value().store) return cluster.value().store;
  return std::make_shared<rendezvous::MemoryStore>();
}

meta::MetaOptions MetaOptionsOf(const Config& config) {
  meta::MetaOptions o;
  o.max_object_bytes = config.max_object_bytes;
  o.default_timeout = std::chrono::milliseconds(config.op_timeout_ms);
  return o;
}

// How long Stop waits for an op already inside the engine to finish.
constexpr std::chrono::seconds kExecutorStopTimeout{10};

}  // namespace

cuda::DeviceEngineConfig Daemon::DeviceEngineConfigOf(const Config& config, Daemon* self) {
  cuda::DeviceEngineConfig c;
  // From the engine's watchdog thread; groups_ may be gone during teardown.
  c.on_group_failure = [self](uint64_t group_id, const Status& why) {
    std::lock_guard lock(self->failure_mu_);
    if (self->failure_target_ != nullptr) {
      self->failure_target_->BreakGroup(group_id, std::string(why.message()));
    }
  };
  c.nccl_library = config.nccl_library;
  c.thresholds.one_shot_max_bytes = config.cuda_one_shot_max_bytes;
  c.thresholds.two_shot_max_bytes = config.cuda_two_shot_max_bytes;
  return c;
}

Daemon::Daemon(const Config& config)
    : config_(config),
      metrics_(server::DaemonVersion(), server::DaemonGitCommit()),
      engine_(MakeHostEngine(HostEngineOptions{config.host_threads})),
      device_engine_(cuda::OpenDeviceEngine(engine_.get(), DeviceEngineConfigOf(config, this))),
      router_(engine_.get(), device_engine_.ok() ? device_engine_.value().get() : nullptr),
      cluster_(cluster::SetUpCluster(config, engine_.get(), &metrics_)),
      device_buffers_(cuda::OpenDeviceBuffers()),
      buffers_(config.limits),
      groups_(&router_, config, &metrics_,
              cluster_.ok() ? cluster_.value().cluster.get() : nullptr),
      submitter_(&sessions_, &buffers_, &groups_,
                 std::chrono::milliseconds(config.op_timeout_ms)),
      meta_store_(MetaStore(cluster_)),
      meta_(&sessions_, &groups_, meta_store_, MetaOptionsOf(config)) {
  OpenStreams();
  {
    std::lock_guard lock(failure_mu_);
    failure_target_ = &groups_;
  }
  sessions_.AddCloseListener([this](const Session& s) {
    groups_.OnSessionClosed(s);
    buffers_.DropSession(s.id);
    if (streams_) streams_->DropSession(s.id);
  });
  context_.sessions = &sessions_;
  context_.buffers = &buffers_;
  if (device_buffers_.ok() && device_engine_.ok()) {
    context_.device_buffers = device_buffers_.value().get();
  } else {
    // Device buffers only where an engine can run ops on them.
    context_.device_buffers_refusal =
        device_buffers_.ok() ? device_engine_.status() : device_buffers_.status();
  }
  context_.streams = streams_.get();
  context_.groups = &groups_;
  context_.submitter = &submitter_;
  context_.peers = &peers_;
  context_.meta = &meta_;
  context_.engines = {std::string(router_.Name())};
  if (cluster_.ok()) {
    const cluster::ClusterSetup& c = cluster_.value();
    context_.node_name = c.node_name;
    context_.peer_address = c.peer_advertise;
    context_.rendezvous_root = c.root_store != nullptr;
  }
  if (auto root = rendezvous::ParseRendezvousAddress(config.rendezvous); root.ok()) {
    context_.rendezvous = root.value().GrpcTarget();
  }
  context_.started = std::chrono::steady_clock::now();
  server_ = std::make_unique<server::GrpcServer>(context_);
  metrics_.SetGaugeSource([this] { return SampleGauges(); });
}

Daemon::~Daemon() {
  Stop(Unavailable("ccsd is shutting down; the op did not complete"),
       std::chrono::milliseconds(0));
  std::lock_guard lock(failure_mu_);
  failure_target_ = nullptr;  // groups_ goes before the device engine
}

Status Daemon::Start() {
  RETURN_IF_ERROR(cluster_.status());
  if (!config_.peer_listen.empty()) {
    const cluster::ClusterSetup& c = cluster_.value();
    ASSIGN_OR_RETURN(peer_server_,
                     server::PeerServer::Start(
                         config_.peer_listen,
                         {c.node_name, c.peer_advertise, server::DaemonVersion()},
                         &groups_, c.root_store));
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
  context_.nccl_version = cuda::LogCudaEnvironment(config_.nccl_library);
  RETURN_IF_ERROR(server_->Start(config_));
  server_->SetHealth(/*live=*/true, /*ready=*/true);
  return Status::Ok();
}

void Daemon::OpenStreams() {
  if (!device_buffers_.ok()) return;
  auto table = cuda::OpenStreamTable(device_buffers_.value()->devices());
  if (!table.ok()) {
    spdlog::warn("cuda: stream order unavailable: {}", table.status().message());
    return;
  }
  streams_ = std::move(table).value();
  cuda::StreamTable* streams = streams_.get();
  submitter_.SetStreamResolver(
      [streams](uint64_t session, uint64_t stream_id) -> StatusOr<StreamOrder> {
        ASSIGN_OR_RETURN(cuda::StreamEvents e, streams->Lookup(session, stream_id));
        return StreamOrder{static_cast<int32_t>(e.gpu), e.ready, e.done,
                           std::move(e.keepalive)};
      });
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
  // Object calls waiting for other ranks answer `why` within one wait slice.
  meta_.Shutdown(why, Clock::now() + kExecutorStopTimeout);
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
  std::map<std::string, bool> links;
  for (const auto& group : groups_.List()) {
    const GroupView view = group->View();
    for (const NodeView& node : view.nodes) {
      if (node.self) continue;
      links[node.name] = links[node.name] || view.state == GroupState::kReady;
    }
  }
  g.peer_links.assign(links.begin(), links.end());
  return g;
}

}  // namespace ccs
