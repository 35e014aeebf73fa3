#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"
#include "client/cli/format.h"
#include "client/cli/json_render.h"
#include "client/cli/table.h"
#include "client/cli/output.h"
#include "client/cli/text_render.h"
#include "client/cli/yaml_render.h"

namespace ccs::cli {
namespace {

TEST_CASE("table columns align to the widest cell with a two-space gap", "[cli]") {
  Table table({"NAME", "STATE", "JOINED"});
  table.AddRow({"tp0", "READY", "4/4"});
  table.AddRow({"a-long-group-name", "BROKEN"});
  REQUIRE(table.ToString() ==
          "NAME               STATE   JOINED\n"
          "tp0                READY   4/4\n"
          "a-long-group-name  BROKEN\n");
}

TEST_CASE("a table row with more cells than columns is rejected", "[cli]") {
  Table table({"A"});
  REQUIRE_THROWS_AS(table.AddRow({"1", "2"}), std::invalid_argument);
}

TEST_CASE("an empty table prints its header", "[cli]") {
  REQUIRE(Table({"ID", "PID"}).ToString() == "ID  PID\n");
}

TEST_CASE("fields align their values after the longest key", "[cli]") {
  std::ostringstream out;
  PrintFields(out, {{"Name", "tp0"}, {"Broken reason", "rank 2 left"}});
  REQUIRE(out.str() ==
          "Name:           tp0\n"
          "Broken reason:  rank 2 left\n");
}

TEST_CASE("durations, sizes and rank sets read naturally", "[cli]") {
  REQUIRE(FormatDuration(850) == "850ms");
  REQUIRE(FormatDuration(12345) == "12.3s");
  REQUIRE(FormatDuration(303000) == "5m3s");
  REQUIRE(FormatDuration(7500000) == "2h5m");
  REQUIRE(FormatDuration(273600000) == "3d4h");
  REQUIRE(FormatBytes(512) == "512B");
  REQUIRE(FormatBytes(1536) == "1.5KiB");
  REQUIRE(FormatBytes(64u << 20) == "64MiB");
  REQUIRE(FormatRanks({5, 0, 2, 1, 7, 8}) == "0-2,5,7-8");
  REQUIRE(FormatRanks({3}) == "3");
  REQUIRE(FormatRanks({}) == "-");
}

TEST_CASE("exit codes: 2 unreachable, 3 not found, 4 anything else", "[cli]") {
  REQUIRE(ExitCodeFor(Code::kUnavailable) == kExitUnreachable);
  REQUIRE(ExitCodeFor(Code::kDeadlineExceeded) == kExitUnreachable);
  REQUIRE(ExitCodeFor(Code::kNotFound) == kExitNotFound);
  REQUIRE(ExitCodeFor(Code::kInvalidArgument) == kExitError);
  REQUIRE(ExitCodeFor(Code::kPermissionDenied) == kExitError);
  REQUIRE(kExitUsage == 1);
}

GroupDetail SampleGroup() {
  GroupDetail d;
  d.group.group_id = 3;
  d.group.name = "tp0";
  d.group.state = GroupState::kReady;
  d.group.world_size = 4;
  d.group.joined = 4;
  for (uint32_t r = 0; r < 4; ++r) {
    MemberInfo m;
    m.rank = r;
    m.joined = true;
    m.session_id = 11 + r;
    m.pid = 100 + static_cast<int32_t>(r);
    m.uid = 1000;
    m.last_completed_seq = 12;
    m.last_completed_kind = CollectiveKind::kBroadcast;
    m.alive = true;
    m.node = r < 2 ? "n0" : "n1";
    d.members.push_back(m);
  }
  d.nodes.push_back(GroupNode{"n0", "10.0.0.1:7000", true, true, "", GroupState::kReady, {0, 1}});
  d.nodes.push_back(GroupNode{"n1", "10.0.0.2:7000", false, true, "", GroupState::kReady, {2, 3}});
  InFlightOp op;
  op.seq = 13;
  op.kind = CollectiveKind::kAllReduce;
  op.dtype = DataType::kFloat32;
  op.count = 1024;
  op.arrived_ranks = {0, 1, 3};
  op.missing_ranks = {2};
  op.waiting_ms = 12300;
  op.arrivals = {{0, 12300}, {1, 9000}, {3, 40}};
  d.in_flight.push_back(op);
  return d;
}

TEST_CASE("group JSON carries the api version and stable snake_case fields", "[cli]") {
  const nlohmann::json doc = GroupDetailJson(SampleGroup());
  REQUIRE(doc["api_version"] == "ccs.v1");
  REQUIRE(doc["kind"] == "Group");
  REQUIRE(doc["group"]["name"] == "tp0");
  REQUIRE(doc["group"]["state"] == "READY");
  REQUIRE(doc["group"]["world_size"] == 4);
  REQUIRE(doc["members"][0]["last_completed_seq"] == 12);
  REQUIRE(doc["members"][0]["alive"] == true);
  REQUIRE(doc["in_flight"][0]["collective"] == "all_reduce");
  REQUIRE(doc["in_flight"][0]["missing_ranks"] == nlohmann::json::array({2}));
  REQUIRE(doc["in_flight"][0]["waiting_ms"] == 12300);
  REQUIRE(doc["in_flight"][0]["arrivals"][1] ==
          nlohmann::json({{"rank", 1}, {"waiting_ms", 9000}}));
  REQUIRE(doc["in_flight"][0]["unknown_ranks"] == nlohmann::json::array());
  REQUIRE(doc["members"][2]["node"] == "n1");
  REQUIRE(doc["members"][2]["last_completed_collective"] == "broadcast");
  REQUIRE(doc["nodes"][1]["peer_address"] == "10.0.0.2:7000");
  REQUIRE(doc["nodes"][1]["ranks"] == nlohmann::json::array({2, 3}));
}

TEST_CASE("enum values the daemon sent but ccsctl does not know are null", "[cli]") {
  GroupSummary g;
  REQUIRE(ToJson(g)["state"].is_null());
}

TEST_CASE("list documents wrap their items under a plural key", "[cli]") {
  REQUIRE(GroupListJson({})["groups"].is_array());
  REQUIRE(SessionListJson({SessionInfo{}})["sessions"].size() == 1);
  REQUIRE(BufferListJson({})["kind"] == "BufferList");
  REQUIRE(VersionJson(std::nullopt)["daemon"].is_null());
  REQUIRE(HealthJson("unix:///x", true, "")["status"] == "SERVING");
  REQUIRE(NodeListJson({NodeInfo{}})["kind"] == "NodeList");
  REQUIRE(OpListJson({GroupOp{"g", 2, InFlightOp{}}})["ops"][0]["epoch"] == 2);
  REQUIRE(SessionDetailJson(SessionDetail{})["kind"] == "Session");
}

TEST_CASE("device buffers show their kind and GPU UUID", "[cli]") {
  BufferInfo b;
  b.buffer_id = 3;
  b.session_id = 1;
  b.kind = "cuda_ipc";
  b.size_bytes = 4096;
  b.device_uuid = "GPU-00112233-4455-6677-8899-aabbccddeeff";
  nlohmann::json doc = BufferListJson({b});
  REQUIRE(doc["buffers"][0]["kind"] == "cuda_ipc");
  REQUIRE(doc["buffers"][0]["device_uuid"] == b.device_uuid);
  REQUIRE(doc["buffers"][0]["shm_name"] == "");
  std::ostringstream wide;
  PrintBuffers(wide, {b}, true);
  REQUIRE(wide.str().find("DEVICE") != std::string::npos);
  REQUIRE(wide.str().find(b.device_uuid) != std::string::npos);
  std::ostringstream narrow;
  PrintBuffers(narrow, {b}, false);
  REQUIRE(narrow.str().find("cuda_ipc") != std::string::npos);
}

TEST_CASE("yaml output is the json document, strings that look like other types quoted",
          "[cli]") {
  const nlohmann::json doc = {{"api_version", "ccs.v1"},
                              {"name", "123"},
                              {"word", "yes"},
                              {"empty", ""},
                              {"count", 7},
                              {"ok", true},
                              {"none", nullptr},
                              {"list", nlohmann::json::array({1, 2})},
                              {"nothing", nlohmann::json::array()}};
  const std::string yaml = ToYaml(doc);
  INFO(yaml);
  const YAML::Node back = YAML::Load(yaml);
  REQUIRE(back["api_version"].as<std::string>() == "ccs.v1");
  REQUIRE(yaml.find("name: \"123\"") != std::string::npos);
  REQUIRE(yaml.find("word: \"yes\"") != std::string::npos);
  REQUIRE(yaml.find("empty: \"\"") != std::string::npos);
  REQUIRE(yaml.find("count: 7") != std::string::npos);
  REQUIRE(yaml.find("ok: true") != std::string::npos);
  REQUIRE(back["none"].IsNull());
  REQUIRE(back["list"].size() == 2);
  REQUIRE(back["nothing"].IsSequence());
  REQUIRE(back["nothing"].size() == 0);
}

TEST_CASE("watch compares documents without their time-only fields", "[cli]") {
  nlohmann::json a = GroupDetailJson(SampleGroup());
  GroupDetail later = SampleGroup();
  later.group.age_ms += 1000;
  later.in_flight[0].waiting_ms += 1000;
  later.in_flight[0].arrivals[0].waiting_ms += 1000;
  REQUIRE(StableContent(a) == StableContent(GroupDetailJson(later)));
  later.in_flight[0].missing_ranks.clear();
  REQUIRE(StableContent(a) != StableContent(GroupDetailJson(later)));
}

TEST_CASE("output formats parse by name", "[cli]") {
  OutputFormat f = OutputFormat::kTable;
  REQUIRE(ParseOutputFormat("wide", f));
  REQUIRE(f == OutputFormat::kWide);
  REQUIRE(ParseOutputFormat("yaml", f));
  REQUIRE(f == OutputFormat::kYaml);
  REQUIRE_FALSE(ParseOutputFormat("xml", f));
}

TEST_CASE("describe group names who is missing from which op, for how long", "[cli]") {
  std::ostringstream out;
  PrintGroupDetail(out, SampleGroup());
  const std::string text = out.str();
  REQUIRE_THAT(text, Catch::Contains("State:"));
  REQUIRE_THAT(text, Catch::Contains("READY"));
  REQUIRE_THAT(text, Catch::Contains("WAITING-FOR"));
  REQUIRE_THAT(text, Catch::Contains("13   all_reduce  float32  1024   0-1,3    2"));
  REQUIRE_THAT(text, Catch::Contains("12.3s"));
  // The oldest op: every rank, the missing one with its node, pid and the
  // last op it completed.
  REQUIRE_THAT(text, Catch::Contains("Oldest in-flight op: seq 13 all_reduce, waiting 12.3s, "
                                     "missing rank 2"));
  REQUIRE_THAT(text, Catch::Contains("2     n1    102  13       NO       -        12 (broadcast)"));
  REQUIRE_THAT(text, Catch::Contains("1     n0    101  12       yes      9s"));
}

TEST_CASE("ranks of nodes that did not answer are shown as unknown", "[cli]") {
  GroupDetail d = SampleGroup();
  d.nodes[1].answered = false;
  d.nodes[1].error = "DEADLINE_EXCEEDED: node at 10.0.0.2:7000 did not answer";
  d.in_flight[0].missing_ranks = {};
  d.in_flight[0].unknown_ranks = {2};
  std::ostringstream out;
  PrintGroupDetail(out, d, /*wide=*/true);
  INFO(out.str());
  REQUIRE_THAT(out.str(), Catch::Contains("no: DEADLINE_EXCEEDED"));
  REQUIRE_THAT(out.str(), Catch::Contains("10.0.0.2:7000"));
  REQUIRE_THAT(out.str(), Catch::Contains("? 2"));
  REQUIRE_THAT(out.str(), Catch::Contains("? (node did not answer)"));
}

}  // namespace
}  // namespace ccs::cli
