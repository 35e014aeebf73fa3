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
//   ccs_groups{state}                            gauge, current groups
//   ccs_sessions, ccs_buffers, ccs_mapped_bytes  gauges
// Gauges are read from a GaugeSource at scrape time; counters are updated
// by OnOpFinished with relaxed atomics (no lock).
//
// Thread-safe: OnOpFinished and Render may run concurrently from any
// threads. SetGaugeSource must be called before the first Render.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

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
};

class MetricsRegistry final : public OpObserver {
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

  // The whole exposition, text format 0.0.4, '\n'-terminated lines. Series
  // of ops appear once the first op of their collective (and status) has
  // finished.
  std::string Render() const;

 private:
  static constexpr size_t kKinds = 14;  // CollectiveKind values
  static constexpr size_t kCodes = 15;  // StatusCode values 0..14
  static constexpr size_t kBuckets = kDurationBuckets.size() + 1;  // + Inf

  struct PerKind {
    std::array<std::atomic<uint64_t>, kCodes> ops{};
    std::atomic<uint64_t> bytes{0};
    std::array<std::atomic<uint64_t>, kBuckets> buckets{};  // not cumulative
    std::atomic<uint64_t> duration_ns{0};
  };

  void RenderOps(std::string& out) const;
  void RenderDurations(std::string& out) const;
  void RenderGauges(std::string& out) const;

  const std::string version_;
  const std::string git_commit_;
  GaugeSource gauges_;
  std::array<PerKind, kKinds> kinds_;
};

// `value` with '\\', '"' and newlines escaped for a label value.
std::string EscapeLabelValue(const std::string& value);

}  // namespace ccs
