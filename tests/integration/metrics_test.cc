// Prometheus /metrics of a live daemon: promtool accepts the exposition, and
// the counters and gauges follow real ops of real client processes.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cluster_processes.h"
#include "harness/ctl.h"
#include "harness/daemon_log.h"
#include "harness/daemon_process.h"
#include "harness/http_get.h"
#include "harness/rank_processes.h"
#include "harness/scenario.h"
#include "harness/test_env.h"

namespace ccs::it {
namespace {

constexpr char kMetricsMarker[] = "metrics: serving Prometheus metrics on http://";
constexpr int64_t kOpBytes = 256 * 4;  // the ops scenario: 256 int32 per rank

// The value of `series` (name and labels exactly as rendered) in `text`;
// -1 when it is absent.
double SampleValue(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

std::string RequireMetrics(const std::string& address) {
  HttpResponse r = HttpGet(address, "/metrics", std::chrono::seconds(10));
  INFO("GET http://" << address << "/metrics: " << r.error << "\n" << r.headers);
  REQUIRE(r.ok);
  REQUIRE(r.status == 200);
  CHECK(r.headers.find("text/plain; version=0.0.4") != std::string::npos);
  return r.body;
}

// `promtool check metrics` reads the exposition on stdin; it fails on
// syntax errors and on lint problems (naming, HELP, units).
void RequirePromtoolAccepts(const std::string& text) {
  TempDir dir("ccs-it-promtool-");
  const std::string file = dir.Join("metrics.txt");
  std::ofstream(file) << text;
  const std::string promtool = RequireEnv("PROMTOOL");
  CommandResult r =
      RunCommand({"/bin/sh", "-c", "\"$0\" check metrics < \"$1\"", promtool, file},
                 std::chrono::seconds(30));
  INFO("promtool check metrics: " << r.status.Describe() << "\nstdout: " << r.out
                                  << "\nstderr: " << r.err << "\ninput:\n"
                                  << text);
  REQUIRE(r.status.ok());
}

}  // namespace

TEST_CASE("promtool accepts a live /metrics and the op counters move", "[metrics]") {
  DaemonProcess daemon(WithFlags({"--metrics-listen", "127.0.0.1:0"}));
  const std::string address = LoggedAddress(daemon, kMetricsMarker);
  INFO(daemon.LogReport());
  REQUIRE(!address.empty());

  const std::string before = RequireMetrics(address);
  RequirePromtoolAccepts(before);
  CHECK(before.find("ccs_build_info{") != std::string::npos);
  CHECK(SampleValue(before, R"(ccs_ops_total{collective="all_reduce",status="OK"})") ==
        -1);
  CHECK(SampleValue(before, "ccs_sessions") == 0);

  // Three verified all_reduces of a group of two.
  RankProcesses ok;
  for (uint32_t r = 0; r < 2; ++r) {
    ok.Start(RankArgs("ops", daemon, "metrics-ok", 2, r, {"--ops", "3"}));
  }
  for (const auto& r : RequireAllExitOk(ok)) {
    for (const char* step : {"op1", "op2", "op3"}) RequireCode(r, step, "OK");
  }
  // One all_reduce whose rank 1 never calls: DEADLINE_EXCEEDED, group BROKEN.
  RankProcesses late;
  late.Start(RankArgs("ops", daemon, "metrics-late", 2, 0,
                      {"--ops", "1", "--timeout-ms", "300", "--hold"}));
  late.Start(RankArgs("ops", daemon, "metrics-late", 2, 1, {"--ops", "0", "--hold"}));
  REQUIRE(late.WaitForOutput(0, "HOLDING", std::chrono::seconds(60)));
  RequireCode(late.Peek(0), "op1", "DEADLINE_EXCEEDED");

  // Gauges follow the sessions; those of the exited ranks end asynchronously.
  std::string after;
  PollUntil(
      [&] {
        after = RequireMetrics(address);
        return SampleValue(after, "ccs_sessions") == 2;
      },
      std::chrono::seconds(10));
  RequirePromtoolAccepts(after);
  INFO(after);
  CHECK(SampleValue(after, R"(ccs_ops_total{collective="all_reduce",status="OK"})") == 3);
  CHECK(SampleValue(
            after,
            R"(ccs_ops_total{collective="all_reduce",status="DEADLINE_EXCEEDED"})") == 1);
  CHECK(SampleValue(after, R"(ccs_op_bytes_total{collective="all_reduce"})") ==
        3 * 2 * kOpBytes);
  CHECK(SampleValue(after, R"(ccs_op_duration_seconds_count{collective="all_reduce"})") ==
        3);
  CHECK(SampleValue(
            after,
            R"(ccs_op_duration_seconds_bucket{collective="all_reduce",le="+Inf"})") == 3);
  CHECK(SampleValue(after, R"(ccs_op_duration_seconds_sum{collective="all_reduce"})") >
        0);
  CHECK(SampleValue(after, R"(ccs_groups{state="BROKEN"})") == 1);
  CHECK(SampleValue(after, "ccs_sessions") == 2);
  CHECK(SampleValue(after, "ccs_buffers") == 4);  // two per rank still running
  CHECK(SampleValue(after, "ccs_mapped_bytes") >= 4 * kOpBytes);
}

TEST_CASE("links between nodes are metered: network steps, payload bytes, peer links up",
          "[metrics][multinode]") {
  ClusterOptions options;
  options.nodes = 2;
  options.extra_args = {"--metrics-listen", "127.0.0.1:0"};
  ClusterProcesses cluster(options);
  const std::string address = LoggedAddress(cluster.node(0), kMetricsMarker);
  REQUIRE(!address.empty());
  const std::string before = RequireMetrics(address);
  CHECK(SampleValue(before, R"(ccs_network_steps_total{status="ok"})") == 0);
  CHECK(before.find("ccs_peer_link_up{") == std::string::npos);

  // Three verified all_reduces of 4 ranks, 2 per node.
  RankProcesses ranks;
  for (uint32_t r = 0; r < 4; ++r) {
    ranks.Start(RankArgs("ops", cluster.node(r / 2), "linked", 4, r, {"--ops", "3", "--hold"}));
  }
  for (size_t i = 0; i < 4; ++i)
    REQUIRE(ranks.WaitForOutput(i, "HOLDING", std::chrono::seconds(60)));
  for (size_t i = 0; i < 4; ++i) {
    for (const char* step : {"op1", "op2", "op3"}) RequireCode(ranks.Peek(i), step, "OK");
  }
  const std::string after = RequireMetrics(address);
  RequirePromtoolAccepts(after);
  INFO(after);
  // Each all_reduce: a header exchange and the data step, at least.
  CHECK(SampleValue(after, R"(ccs_network_steps_total{status="ok"})") >= 6);
  CHECK(SampleValue(after, R"(ccs_network_steps_total{status="error"})") == 0);
  CHECK(SampleValue(after, R"(ccs_network_payload_bytes_total{direction="sent"})") >=
        3 * kOpBytes);
  CHECK(SampleValue(after, R"(ccs_network_payload_bytes_total{direction="received"})") >=
        3 * kOpBytes);
  CHECK(SampleValue(after, R"(ccs_network_step_duration_seconds_count)") >= 6);
  CHECK(SampleValue(after, R"(ccs_peer_link_up{node="n1"})") == 1);

  // Rank 0 dies: the group breaks, and with it the only READY group that
  // links n0 to n1.
  ranks.Signal(0, SIGKILL);
  std::string down;
  const bool seen = PollUntil(
      [&] {
        down = RequireMetrics(address);
        return SampleValue(down, R"(ccs_peer_link_up{node="n1"})") == 0;
      },
      std::chrono::seconds(60));
  INFO(down);
  CHECK(seen);
}

TEST_CASE("the metrics listener serves /metrics only", "[metrics]") {
  DaemonProcess daemon(WithFlags({"--metrics-listen", "127.0.0.1:0"}));
  const std::string address = LoggedAddress(daemon, kMetricsMarker);
  REQUIRE(!address.empty());
  for (const char* path : {"/", "/metrics/x", "/etc/passwd"}) {
    HttpResponse r = HttpGet(address, path, std::chrono::seconds(10));
    INFO(path << ": " << r.error);
    REQUIRE(r.ok);
    CHECK(r.status == 404);
  }
}

TEST_CASE("a metrics address that cannot be bound stops ccsd at start", "[metrics]") {
  DaemonOptions options = WithFlags({"--metrics-listen", "192.0.2.1:9"});  // not ours
  options.ready_timeout = std::chrono::seconds(3);
  REQUIRE_THROWS_WITH(DaemonProcess(options),
                      Catch::Contains("cannot serve metrics on '192.0.2.1:9'"));
}

}  // namespace ccs::it
