#include <catch2/catch.hpp>
#include <sstream>

#include "client/cli/exit_codes.h"
#include "client/cli/format.h"
#include "client/cli/json_render.h"
#include "client/cli/table.h"
#include "client/cli/text_render.h"

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
  d.members.push_back(MemberInfo{0, true, 11, 100, 1000, 12, true});
  InFlightOp op;
  op.seq = 13;
  op.kind = CollectiveKind::kAllReduce;
  op.dtype = DataType::kFloat32;
  op.count = 1024;
  op.arrived_ranks = {0, 1, 3};
  op.missing_ranks = {2};
  op.waiting_ms = 12300;
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
}

}  // namespace
}  // namespace ccs::cli
