// The Prometheus text exposition of MetricsRegistry.
#include "daemon/obs/metrics.h"

#include <catch2/catch.hpp>
#include <set>
#include <sstream>

namespace ccs {
namespace {

bool HasLine(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

TEST_CASE("A fresh registry renders build info and zero gauges", "[metrics]") {
  MetricsRegistry registry("1.2.3", "abc\"1");
  const std::string text = registry.Render();
  INFO(text);
  CHECK(HasLine(text, "# TYPE ccs_build_info gauge"));
  CHECK(HasLine(text, "ccs_build_info{git_commit=\"abc\\\"1\",version=\"1.2.3\"} 1"));
  CHECK(HasLine(text, "# TYPE ccs_ops_total counter"));
  CHECK(HasLine(text, "# TYPE ccs_op_bytes_total counter"));
  CHECK(HasLine(text, "# TYPE ccs_op_duration_seconds histogram"));
  CHECK(HasLine(text, "ccs_groups{state=\"READY\"} 0"));
  CHECK(HasLine(text, "ccs_sessions 0"));
  CHECK(HasLine(text, "ccs_mapped_bytes 0"));
  CHECK(text.find("ccs_ops_total{") == std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("Ops move the counters and the histogram", "[metrics]") {
  MetricsRegistry registry("1", "x");
  registry.RecordOp(CollectiveKind::kAllReduce, StatusCode::kOk, 1000, 0.0002);
  registry.RecordOp(CollectiveKind::kAllReduce, StatusCode::kOk, 1000, 0.0002);
  registry.RecordOp(CollectiveKind::kAllReduce, StatusCode::kDeadlineExceeded, 1000, 3.0);
  registry.RecordOp(CollectiveKind::kBarrier, StatusCode::kOk, 0, 100.0);
  const std::string text = registry.Render();
  INFO(text);
  CHECK(HasLine(text, "ccs_ops_total{collective=\"all_reduce\",status=\"OK\"} 2"));
  CHECK(HasLine(
      text, "ccs_ops_total{collective=\"all_reduce\",status=\"DEADLINE_EXCEEDED\"} 1"));
  CHECK(HasLine(text, "ccs_ops_total{collective=\"barrier\",status=\"OK\"} 1"));
  // Failed ops count, but move neither bytes nor durations.
  CHECK(HasLine(text, "ccs_op_bytes_total{collective=\"all_reduce\"} 2000"));
  CHECK(HasLine(
      text, "ccs_op_duration_seconds_bucket{collective=\"all_reduce\",le=\"0.0001\"} 0"));
  CHECK(HasLine(
      text,
      "ccs_op_duration_seconds_bucket{collective=\"all_reduce\",le=\"0.00025\"} 2"));
  CHECK(HasLine(
      text, "ccs_op_duration_seconds_bucket{collective=\"all_reduce\",le=\"+Inf\"} 2"));
  CHECK(HasLine(text, "ccs_op_duration_seconds_count{collective=\"all_reduce\"} 2"));
  CHECK(HasLine(text, "ccs_op_duration_seconds_sum{collective=\"all_reduce\"} 0.0004"));
  // Beyond the last bucket: only +Inf holds it.
  CHECK(HasLine(text,
                "ccs_op_duration_seconds_bucket{collective=\"barrier\",le=\"60\"} 0"));
  CHECK(HasLine(text,
                "ccs_op_duration_seconds_bucket{collective=\"barrier\",le=\"+Inf\"} 1"));
  CHECK(text.find("collective=\"all_gather\"") == std::string::npos);
}

TEST_CASE("An op record is counted from first arrival to completion", "[metrics]") {
  MetricsRegistry registry("1", "x");
  OpRecord r;
  r.kind = CollectiveKind::kBroadcast;
  r.code = StatusCode::kOk;
  r.bytes = 64;
  r.first_arrival = std::chrono::steady_clock::now();
  r.finished = r.first_arrival + std::chrono::milliseconds(3);
  registry.OnOpFinished(r);
  const std::string text = registry.Render();
  INFO(text);
  CHECK(HasLine(text, "ccs_op_bytes_total{collective=\"broadcast\"} 64"));
  CHECK(HasLine(
      text, "ccs_op_duration_seconds_bucket{collective=\"broadcast\",le=\"0.0025\"} 0"));
  CHECK(HasLine(
      text, "ccs_op_duration_seconds_bucket{collective=\"broadcast\",le=\"0.005\"} 1"));
}

TEST_CASE("Ops are counted by the engine path they took", "[metrics]") {
  MetricsRegistry registry("1", "x");
  OpRecord r;
  r.kind = CollectiveKind::kAllReduce;
  r.path = "cuda:one_shot";
  registry.OnOpFinished(r);
  registry.OnOpFinished(r);
  r.path = "host";
  registry.OnOpFinished(r);
  r.path.clear();  // never reached an engine (a mismatch): not counted
  registry.OnOpFinished(r);
  const std::string text = registry.Render();
  INFO(text);
  CHECK(HasLine(text, "ccs_engine_ops_total{path=\"cuda:one_shot\"} 2"));
  CHECK(HasLine(text, "ccs_engine_ops_total{path=\"host\"} 1"));
  CHECK(text.find("ccs_engine_ops_total{path=\"\"}") == std::string::npos);
}

TEST_CASE("Gauges come from the source at render time", "[metrics]") {
  MetricsRegistry registry("1", "x");
  GaugeValues values;
  values.groups_by_state[static_cast<size_t>(GroupState::kBroken)] = 2;
  values.sessions = 3;
  values.buffers = 4;
  values.mapped_bytes = 1 << 20;
  registry.SetGaugeSource([&] { return values; });
  const std::string text = registry.Render();
  INFO(text);
  CHECK(HasLine(text, "ccs_groups{state=\"BROKEN\"} 2"));
  CHECK(HasLine(text, "ccs_groups{state=\"FORMING\"} 0"));
  CHECK(HasLine(text, "ccs_sessions 3"));
  CHECK(HasLine(text, "ccs_buffers 4"));
  CHECK(HasLine(text, "ccs_mapped_bytes 1048576"));
}

TEST_CASE("Network steps move the link counters; peer links come from the source",
          "[metrics]") {
  MetricsRegistry registry("1", "x");
  GaugeValues values;
  values.peer_links = {{"n1", true}, {"n\"2", false}};
  registry.SetGaugeSource([&] { return values; });
  registry.OnNetworkStep(NetworkStep{1024, 2048, 0.003, true});
  registry.OnNetworkStep(NetworkStep{10, 0, 0.5, true});
  registry.OnNetworkStep(NetworkStep{999, 999, 9, false});
  const std::string text = registry.Render();
  INFO(text);
  CHECK(HasLine(text, "ccs_network_steps_total{status=\"ok\"} 2"));
  CHECK(HasLine(text, "ccs_network_steps_total{status=\"error\"} 1"));
  CHECK(HasLine(text, "ccs_network_payload_bytes_total{direction=\"sent\"} 1034"));
  CHECK(HasLine(text, "ccs_network_payload_bytes_total{direction=\"received\"} 2048"));
  CHECK(HasLine(text, "ccs_network_step_duration_seconds_count 2"));
  CHECK(HasLine(text, "ccs_network_step_duration_seconds_bucket{le=\"0.0025\"} 0"));
  CHECK(HasLine(text, "ccs_network_step_duration_seconds_bucket{le=\"0.005\"} 1"));
  CHECK(HasLine(text, "ccs_network_step_duration_seconds_bucket{le=\"+Inf\"} 2"));
  CHECK(HasLine(text, "ccs_peer_link_up{node=\"n1\"} 1"));
  CHECK(HasLine(text, "ccs_peer_link_up{node=\"n\\\"2\"} 0"));
}

TEST_CASE("Every sample belongs to a family declared before it", "[metrics]") {
  MetricsRegistry registry("1", "x");
  for (size_t k = 0; k < 14; ++k) {
    registry.RecordOp(static_cast<CollectiveKind>(k), StatusCode::kOk, 8, 0.001);
    registry.RecordOp(static_cast<CollectiveKind>(k), StatusCode::kAborted, 8, 0.001);
  }
  std::istringstream in(registry.Render());
  std::set<std::string> typed;
  std::string family;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      CHECK(typed.insert(family).second);  // each family once
      continue;
    }
    if (line.rfind("#", 0) == 0) continue;
    const std::string name = line.substr(0, line.find_first_of("{ "));
    INFO(line);
    CHECK(name.rfind(family, 0) == 0);  // name, or name_bucket/_sum/_count
    CHECK(name.rfind("ccs_", 0) == 0);
  }
}

TEST_CASE("Label values are escaped", "[metrics]") {
  CHECK(EscapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
}

}  // namespace
}  // namespace ccs
