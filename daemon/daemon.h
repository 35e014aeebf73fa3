// Daemon: the composition root of ccsd. Owns the engine, the domain
// managers, the metrics and the servers; wires them together and nothing
// else. Its methods are called from one thread (main).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "daemon/cluster/setup.h"
#include "daemon/core/buffer_registry.h"
#include "daemon/core/collective_submitter.h"
#include "daemon/core/config.h"
#include "daemon/core/group_registry.h"
#include "daemon/core/session_manager.h"
#include "daemon/engine/cuda/device_buffers.h"
#include "daemon/engine/cuda/device_engine_setup.h"
#include "daemon/engine/engine.h"
#include "daemon/engine/engine_router.h"
#include "daemon/meta/metadata_plane.h"
#include "daemon/obs/metrics.h"
#include "daemon/obs/metrics_http.h"
#include "daemon/server/grpc_server.h"
#include "daemon/server/peer_server.h"
#include "daemon/server/peer_registry.h"

namespace ccs {

class Daemon {
 public:
  explicit Daemon(const Config& config);
  ~Daemon();

  // Binds the socket(s), starts serving (and the metrics endpoint if
  // configured), then reports readiness SERVING.
  Status Start();
  // The first step of a SIGTERM: readiness NOT_SERVING, new groups and new
  // ops refused with UNAVAILABLE; ops some rank started may still finish.
  // Idempotent.
  void BeginDrain();
  // Ops started and not yet answered, all groups.
  size_t InFlightOps() const;
  // Fails every op still in flight and every formation with `why`
  // (UNAVAILABLE), waits (bounded) for the group executors, then stops the
  // servers, cancelling open calls (session streams) after `grace`.
  void Stop(const Status& why, std::chrono::milliseconds grace);
  // Applies what may change at runtime (limits).
  void Reload(const Config& config);

  const Config& config() const { return config_; }

 private:
  GaugeValues SampleGauges() const;
  // The CUDA engine's settings; its group failures break groups_ (through
  // failure_target_, cleared before groups_ is destroyed).
  static cuda::DeviceEngineConfig DeviceEngineConfigOf(const Config& config, Daemon* self);
  // Creates streams_ over the mapper's devices and hands the submitter its
  // resolver; nothing when there are no device buffers.
  void OpenStreams();

  Config config_;
  std::mutex failure_mu_;
  GroupRegistry* failure_target_ = nullptr;  // guarded by failure_mu_
  MetricsRegistry metrics_;  // before groups_: they report into it
  std::unique_ptr<Engine> engine_;  // the host engine
  // The CUDA engine, or why there is none (no GPU, built without CUDA).
  StatusOr<std::unique_ptr<Engine>> device_engine_;
  EngineRouter router_;  // what groups run ops on: host or device
  StatusOr<cluster::ClusterSetup> cluster_;  // before groups_, which use it
  SessionManager sessions_;
  // Before buffers_: their device mappings release into it.
  StatusOr<std::unique_ptr<cuda::DeviceBufferMapper>> device_buffers_;
  // Null when device_buffers_ failed. Its events outlive it while ops hold them.
  std::unique_ptr<cuda::StreamTable> streams_;
  BufferRegistry buffers_;
  GroupRegistry groups_;
  CollectiveSubmitter submitter_;
  // The cluster's store, or an in-process one on a single node: every group
  // has a metadata plane with no configuration.
  std::shared_ptr<rendezvous::Store> meta_store_;
  meta::MetadataPlane meta_;
  server::PeerRegistry peers_;
  server::ServiceContext context_;
  std::unique_ptr<server::GrpcServer> server_;
  std::unique_ptr<MetricsHttpServer> metrics_http_;  // reads the managers above
  std::unique_ptr<server::PeerServer> peer_server_;
};

}  // namespace ccs
