// The flight recorder: `ccsctl dump group` after real ops, and the JSON line
// ccsd logs when a group goes BROKEN.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/ctl.h"
#include "harness/daemon_log.h"
#include "harness/daemon_process.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"

namespace ccs::it {
namespace {

using nlohmann::json;

json RequireDump(const DaemonProcess& daemon, const std::string& group) {
  CommandResult r = daemon.Ctl({"dump", "group", group});
  INFO("ccsctl dump group " << group << ": " << r.status.Describe() << "\n"
                            << r.out << r.err);
  REQUIRE(r.status.ok());
  return json::parse(r.out);
}

std::vector<uint32_t> Ranks(const json& op) {
  std::vector<uint32_t> ranks;
  for (const auto& a : op["arrivals"]) ranks.push_back(a["rank"].get<uint32_t>());
  return ranks;
}

// Every arrival lies between the op's first arrival and its end.
void CheckTimes(const json& op) {
  INFO(op.dump());
  const int64_t first = op["first_arrival_unix_us"];
  const int64_t finished = op["finished_unix_us"];
  CHECK(first > 0);
  CHECK(finished >= first);
  CHECK(op["duration_us"] == finished - first);
  for (const auto& a : op["arrivals"]) {
    CHECK(a["arrived_unix_us"].get<int64_t>() >= first);
    CHECK(a["arrived_unix_us"].get<int64_t>() <= finished);
    CHECK(a["after_first_us"].get<int64_t>() >= 0);
  }
}

}  // namespace

TEST_CASE("ccsctl dump group shows completed ops with every rank's arrival", "[flight]") {
  DaemonProcess daemon(WithFlags({"--flight-recorder-ops", "8"}));
  RankProcesses ranks;
  for (uint32_t r = 0; r < 2; ++r) {
    ranks.Start(RankArgs("ops", daemon, "recorded", 2, r, {"--ops", "2", "--hold"}));
  }
  for (size_t i = 0; i < 2; ++i) {
    REQUIRE(ranks.WaitForOutput(i, "HOLDING", std::chrono::seconds(60)));
    RequireCode(ranks.Peek(i), "op2", "OK");
  }
  const json doc = RequireDump(daemon, "recorded");
  INFO(doc.dump(2));
  CHECK(doc["api_version"] == "ccs.v1");
  CHECK(doc["kind"] == "GroupDump");
  CHECK(doc["group"]["name"] == "recorded");
  CHECK(doc["capacity"] == 8);
  CHECK(doc["recorded_ops"] == 2);
  REQUIRE(doc["ops"].size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const json& op = doc["ops"][i];
    CHECK(op["seq"] == i + 1);
    CHECK(op["collective"] == "all_reduce");
    CHECK(op["dtype"] == "int32");
    CHECK(op["op"] == "sum");
    CHECK(op["count"] == 256);
    CHECK(op["bytes"] == 2 * 256 * 4);
    CHECK(op["root"].is_null());
    CHECK(op["status"]["code"] == "OK");
    CHECK(Ranks(op) == std::vector<uint32_t>{0, 1});
    CheckTimes(op);
  }
  CommandResult missing = daemon.Ctl({"dump", "group", "no-such-group"});
  CHECK(missing.status.code == 3);
}

TEST_CASE("a group going BROKEN logs its flight recorder as one JSON line", "[flight]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  // Op 1 completes everywhere; rank 2 never calls op 2, which times out.
  for (uint32_t r = 0; r < 2; ++r) {
    ranks.Start(RankArgs("ops", daemon, "breaks", 3, r,
                         {"--ops", "2", "--timeout-ms", "1000", "--hold"}));
  }
  ranks.Start(RankArgs("ops", daemon, "breaks", 3, 2, {"--ops", "1", "--hold"}));
  for (size_t i = 0; i < 2; ++i) {
    REQUIRE(ranks.WaitForOutput(i, "HOLDING", std::chrono::seconds(60)));
    RequireCode(ranks.Peek(i), "op2", "DEADLINE_EXCEEDED");
  }
  std::vector<std::string> lines;
  REQUIRE(PollUntil(
      [&] {
        lines = LogLinesWith(daemon, R"("kind":"GroupDump")");
        return !lines.empty();
      },
      std::chrono::seconds(10)));
  INFO(lines[0]);
  REQUIRE(lines.size() == 1);
  const json doc = json::parse(lines[0].substr(lines[0].find('{')));
  CHECK(doc["api_version"] == "ccs.v1");
  CHECK(doc["group"]["name"] == "breaks");
  CHECK(doc["group"]["state"] == "BROKEN");
  CHECK(MentionsRank(doc["group"]["broken_reason"].get<std::string>(), 2));
  REQUIRE(doc["ops"].size() == 2);
  CHECK(doc["ops"][0]["status"]["code"] == "OK");
  CHECK(Ranks(doc["ops"][0]) == std::vector<uint32_t>{0, 1, 2});
  CHECK(doc["ops"][1]["status"]["code"] == "DEADLINE_EXCEEDED");
  CHECK(Ranks(doc["ops"][1]) == std::vector<uint32_t>{0, 1});
  CheckTimes(doc["ops"][1]);

  // The BROKEN group can still be dumped while its members live.
  const json dump = RequireDump(daemon, "breaks");
  CHECK(dump["group"]["state"] == "BROKEN");
  CHECK(dump["ops"].size() == 2);
}

}  // namespace ccs::it
