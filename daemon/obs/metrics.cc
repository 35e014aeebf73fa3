#include "daemon/obs/metrics.h"

#include <charconv>
#include <chrono>

namespace ccs {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

// Shortest text that reads back as `v`, %g style ("0.25", "0.0001",
// "1e-05", "3").
std::string Number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

void Header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// name{labels} value
void Sample(std::string& out, const std::string& name, const std::string& labels,
            const std::string& value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ';
  out += value;
  out += '\n';
}

std::string Label(const char* key, std::string_view value) {
  return std::string(key) + "=\"" + EscapeLabelValue(std::string(value)) + "\"";
}

std::string CollectiveLabel(size_t kind) {
  return Label("collective", CollectiveName(static_cast<CollectiveKind>(kind)));
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

MetricsRegistry::MetricsRegistry(std::string version, std::string git_commit)
    : version_(std::move(version)), git_commit_(std::move(git_commit)) {}

void MetricsRegistry::SetGaugeSource(GaugeSource source) { gauges_ = std::move(source); }

void MetricsRegistry::OnOpFinished(const OpRecord& record) {
  const double seconds =
      std::chrono::duration<double>(record.finished - record.first_arrival).count();
  RecordOp(record.kind, record.code, record.bytes, seconds);
  if (!record.path.empty()) {
    std::lock_guard lock(paths_mu_);
    ++paths_[record.path];
  }
}

void MetricsRegistry::RecordOp(CollectiveKind kind, StatusCode code, uint64_t bytes,
                               double seconds) {
  const size_t k = static_cast<size_t>(kind);
  const size_t c = static_cast<size_t>(code);
  if (k >= kKinds || c >= kCodes) return;
  PerKind& m = kinds_[k];
  m.ops[c].fetch_add(1, kRelaxed);
  if (code != StatusCode::kOk) return;
  m.bytes.fetch_add(bytes, kRelaxed);
  m.duration.Add(seconds);
}

void MetricsRegistry::OnNetworkStep(const NetworkStep& step) {
  if (!step.ok) {
    network_.failed.fetch_add(1, kRelaxed);
    return;
  }
  network_.ok.fetch_add(1, kRelaxed);
  network_.sent.fetch_add(step.sent_bytes, kRelaxed);
  network_.received.fetch_add(step.received_bytes, kRelaxed);
  network_.duration.Add(step.seconds);
}

void MetricsRegistry::Histogram::Add(double seconds) {
  if (seconds < 0) seconds = 0;
  size_t bucket = 0;
  while (bucket < kDurationBuckets.size() && seconds > kDurationBuckets[bucket]) ++bucket;
  buckets[bucket].fetch_add(1, kRelaxed);
  sum_ns.fetch_add(static_cast<uint64_t>(seconds * 1e9), kRelaxed);
}

void MetricsRegistry::Histogram::Render(std::string& out, const std::string& name,
                                        const std::string& labels) const {
  std::array<uint64_t, kBuckets> counts;
  uint64_t total = 0;
  for (size_t b = 0; b < kBuckets; ++b) total += counts[b] = buckets[b].load(kRelaxed);
  if (total == 0) return;
  const std::string prefix = labels.empty() ? "" : labels + ",";
  uint64_t cumulative = 0;
  for (size_t b = 0; b < kBuckets; ++b) {
    cumulative += counts[b];
    const std::string le = b < kDurationBuckets.size() ? Number(kDurationBuckets[b]) : "+Inf";
    Sample(out, name + "_bucket", prefix + Label("le", le), std::to_string(cumulative));
  }
  Sample(out, name + "_sum", labels, Number(sum_ns.load(kRelaxed) / 1e9));
  Sample(out, name + "_count", labels, std::to_string(total));
}

std::string MetricsRegistry::Render() const {
  std::string out;
  out.reserve(8192);
  Header(out, "ccs_build_info", "gauge", "Version of this ccsd; always 1.");
  Sample(out, "ccs_build_info",
         Label("git_commit", git_commit_) + "," + Label("version", version_), "1");
  const GaugeValues g = gauges_ ? gauges_() : GaugeValues{};
  RenderOps(out);
  RenderPaths(out);
  RenderDurations(out);
  RenderNetwork(out, g);
  RenderGauges(out, g);
  return out;
}

void MetricsRegistry::RenderOps(std::string& out) const {
  Header(out, "ccs_ops_total", "counter",
         "Ops finished per collective and status (gRPC code name), counted once per op.");
  for (size_t k = 0; k < kKinds; ++k) {
    for (size_t c = 0; c < kCodes; ++c) {
      const uint64_t n = kinds_[k].ops[c].load(kRelaxed);
      if (n == 0) continue;
      Sample(out, "ccs_ops_total",
             CollectiveLabel(k) + "," +
                 Label("status", StatusCodeName(static_cast<StatusCode>(c))),
             std::to_string(n));
    }
  }
  Header(out, "ccs_op_bytes_total", "counter",
         "Bytes written into the ranks' output buffers by ops that completed.");
  for (size_t k = 0; k < kKinds; ++k) {
    if (kinds_[k].ops[0].load(kRelaxed) == 0) continue;
    Sample(out, "ccs_op_bytes_total", CollectiveLabel(k),
           std::to_string(kinds_[k].bytes.load(kRelaxed)));
  }
}

void MetricsRegistry::RenderPaths(std::string& out) const {
  Header(out, "ccs_engine_ops_total", "counter",
         "Finished ops that reached an engine, by how they ran (host, network, "
         "cuda:one_shot, cuda:two_shot, cuda:copies, cuda:nccl, cuda:staged, ...).");
  std::lock_guard lock(paths_mu_);
  for (const auto& [path, n] : paths_) {
    Sample(out, "ccs_engine_ops_total", Label("path", path), std::to_string(n));
  }
}

void MetricsRegistry::RenderDurations(std::string& out) const {
  const std::string name = "ccs_op_duration_seconds";
  Header(
      out, name.c_str(), "histogram",
      "Seconds from an op's first rank arriving to its completion, ops that completed.");
  for (size_t k = 0; k < kKinds; ++k) kinds_[k].duration.Render(out, name, CollectiveLabel(k));
}

void MetricsRegistry::RenderNetwork(std::string& out, const GaugeValues& g) const {
  Header(out, "ccs_network_steps_total", "counter",
         "Calls into the network between daemons (a collective step among the nodes of a "
         "group, or one point-to-point transfer), by outcome.");
  Sample(out, "ccs_network_steps_total", Label("status", "ok"),
         std::to_string(network_.ok.load(kRelaxed)));
  Sample(out, "ccs_network_steps_total", Label("status", "error"),
         std::to_string(network_.failed.load(kRelaxed)));
  Header(out, "ccs_network_payload_bytes_total", "counter",
         "Payload bytes this node handed to (sent) or got from (received) network steps "
         "that succeeded; bytes on the wire depend on the algorithm.");
  Sample(out, "ccs_network_payload_bytes_total", Label("direction", "sent"),
         std::to_string(network_.sent.load(kRelaxed)));
  Sample(out, "ccs_network_payload_bytes_total", Label("direction", "received"),
         std::to_string(network_.received.load(kRelaxed)));
  const std::string name = "ccs_network_step_duration_seconds";
  Header(out, name.c_str(), "histogram", "Seconds per network step that succeeded.");
  network_.duration.Render(out, name, "");
  Header(out, "ccs_peer_link_up", "gauge",
         "Per other node of this daemon's multi-node groups: 1 while one of those groups is "
         "READY, 0 once they are all broken or forming.");
  for (const auto& [node, up] : g.peer_links) {
    Sample(out, "ccs_peer_link_up", Label("node", node), up ? "1" : "0");
  }
}

void MetricsRegistry::RenderGauges(std::string& out, const GaugeValues& g) const {
  Header(out, "ccs_groups", "gauge", "Groups of this daemon by state.");
  for (size_t s = 0; s < g.groups_by_state.size(); ++s) {
    Sample(out, "ccs_groups", Label("state", GroupStateName(static_cast<GroupState>(s))),
           std::to_string(g.groups_by_state[s]));
  }
  Header(out, "ccs_sessions", "gauge", "Open client sessions.");
  Sample(out, "ccs_sessions", "", std::to_string(g.sessions));
  Header(out, "ccs_buffers", "gauge", "Registered buffers, all sessions.");
  Sample(out, "ccs_buffers", "", std::to_string(g.buffers));
  Header(out, "ccs_mapped_bytes", "gauge", "Bytes of registered buffers mapped by ccsd.");
  Sample(out, "ccs_mapped_bytes", "", std::to_string(g.mapped_bytes));
}

}  // namespace ccs
