// MetricsRegistry: ccsd's Prometheus metrics and their text exposition
// (format 0.0.4). No HTTP here: obs/metrics_http.* serves Render().
//
// Metrics (Prometheus naming: ccs_ prefix, _total counters, _seconds,
// _bytes):
//   ccs_build_info{version,git_commit}          gauge, always 1
//   ccs_ops_total{collective,status}             counter, one per finished op
//                                                (status: gRPC code name)
//   ccs_op_duration_seconds{collective}          histogram, first arrival to
//                                                completion of ops that
//                                                completed (status OK)
//   ccs_op_bytes_total{collective}               counter, bytes written into
//                                                the ranks' outputs by ops
//                                                that completed
//   ccs_engine_ops_total{path}                   counter, finished ops that
//                                                reached an engine, by how
//                                                they ran (OpRecord::path:
//                                                host, network, cuda:...)
//   ccs_groups{state}                            gauge, current groups
//   ccs_sessions, ccs_buffers, ccs_mapped_bytes  gauges
// Links to the other nodes of multi-node groups:
//   ccs_network_steps_total{status}              counter, calls into the
//                                                network between daemons
//                                                (status ok|error)
//   ccs_network_payload_bytes_total{direction}   counter, payload bytes
//                                                this node sent|received in
//                                                steps that succeeded
//   ccs_network_step_duration_seconds            histogram, steps that
//                                                succeeded
//   ccs_peer_link_up{node}                       gauge, per node of this
//                                                daemon's multi-node groups:
//                                                1 while one of them is READY
// Gauges are read from a GaugeSource at scrape time; counters are updated
// by OnOpFinished with relaxed atomics (no lock), except the per-path
// counts (a short lock: their label set is open).
//
// Thread-safe: OnOpFinished and Render may run concurrently from any
// threads. SetGaugeSource must be called before the first Render.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/link_observer.h"
#include "daemon/core/op_observer.h"
#include "daemon/core/status.h"
#include "daemon/core/types.h"

namespace ccs {

// State sampled at scrape time.
struct GaugeValues {
  std::array<uint64_t, 4> groups_by_state{};  // index: GroupState
  uint64_t sessions = 0;
  uint64_t buffers = 0;
  uint64_t mapped_bytes = 0;
  // Other nodes of this daemon's multi-node groups, by name: whether one
  // of those groups is READY.
  std::vector<std::pair<std::string, bool>> peer_links;
};

class MetricsRegistry final : public OpObserver, public LinkObserver {
 public:
  using GaugeSource = std::function<GaugeValues()>;

  // Upper bounds of the duration histogram's buckets, in seconds (10 us to
  // 60 s; +Inf is implicit).
  static constexpr std::array<double, 20> kDurationBuckets = {
      1e-5,   2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2,
      2.5e-2, 5e-2,   0.1,  0.25, 0.5,    1,    2.5,  5,      10,   60};

  MetricsRegistry(std::string version, std::string git_commit);

  // Where the gauges come from. Called on the scraping thread; must not
  // call back into this registry.
  void SetGaugeSource(GaugeSource source);

  // OpObserver: counts `record` (non-blocking).
  void OnOpFinished(const OpRecord& record) override;
  // The same, from its parts: `seconds` from first arrival to completion.
  void RecordOp(CollectiveKind kind, StatusCode code, uint64_t bytes, double seconds);
  // LinkObserver: counts one network step (non-blocking).
  void OnNetworkStep(const NetworkStep& step) override;

  // The whole exposition, text format 0.0.4, '\n'-terminated lines. Series
  // of ops appear once the first op of their collective (and status) has
  // finished.
  std::string Render() const;

 private:
  static constexpr size_t kKinds = 14;  // CollectiveKind values
  static constexpr size_t kCodes = 15;  // StatusCode values 0..14
  static constexpr size_t kBuckets = kDurationBuckets.size() + 1;  // + Inf

  // A duration histogram: per-bucket counts (not cumulative) and the sum.
  struct Histogram {
    std::array<std::atomic<uint64_t>, kBuckets> buckets{};
    std::atomic<uint64_t> sum_ns{0};
    void Add(double seconds);
    // `name`_bucket/_sum/_count samples with `labels`; nothing when empty.
    void Render(std::string& out, const std::string& name, const std::string& labels) const;
  };
  struct PerKind {
    std::array<std::atomic<uint64_t>, kCodes> ops{};
    std::atomic<uint64_t> bytes{0};
    Histogram duration;
  };
  struct Network {
    std::atomic<uint64_t> ok{0};
    std::atomic<uint64_t> failed{0};
    std::atomic<uint64_t> sent{0};
    std::atomic<uint64_t> received{0};
    Histogram duration;
  };

  void RenderOps(std::string& out) const;
  void RenderPaths(std::string& out) const;
  void RenderDurations(std::string& out) const;
  void RenderNetwork(std::string& out, const GaugeValues& g) const;
  void RenderGauges(std::string& out, const GaugeValues& g) const;

  const std::string version_;
  const std::string git_commit_;
  GaugeSource gauges_;
  std::array<PerKind, kKinds> kinds_;
  Network network_;
  mutable std::mutex paths_mu_;
  std::map<std::string, uint64_t> paths_;  // guarded by paths_mu_
};

// `value` with '\\', '"' and newlines escaped for a label value.
std::string EscapeLabelValue(const std::string& value);

}  // namespace ccs
