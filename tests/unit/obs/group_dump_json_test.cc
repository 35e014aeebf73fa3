// The JSON line ccsd logs when a group goes BROKEN.
#include "daemon/obs/group_dump_json.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace ccs {
namespace {

using namespace std::chrono_literals;

TEST_CASE("A group dump is one line of versioned JSON", "[group_dump_json]") {
  GroupDump dump;
  dump.view.name = "tp0";
  dump.view.epoch = 3;
  dump.view.state = GroupState::kBroken;
  dump.view.broken_reason = "rank 1 (pid 7) disconnected";
  dump.flight.capacity = 8;
  dump.flight.recorded = 9;
  dump.flight.steady_now = std::chrono::steady_clock::now();
  dump.flight.system_now =
      std::chrono::system_clock::time_point(std::chrono::seconds(100));
  OpRecord op;
  op.seq = 4;
  op.kind = CollectiveKind::kAllReduce;
  op.dtype = DataType::kBfloat16;
  op.op = ReduceOp::kMax;
  op.count = 16;
  op.bytes = 64;
  op.first_arrival = dump.flight.steady_now - 900us;
  op.arrivals = {{0, op.first_arrival}, {1, op.first_arrival + 200us}};
  op.finished = dump.flight.steady_now - 500us;
  op.code = StatusCode::kOk;
  dump.flight.ops.push_back(op);
  OpRecord barrier;
  barrier.kind = CollectiveKind::kBarrier;
  barrier.code = StatusCode::kAborted;
  barrier.message = "group 'tp0' is BROKEN";
  dump.flight.ops.push_back(barrier);

  const std::string line = GroupDumpJsonLine(dump);
  CHECK(line.find('\n') == std::string::npos);
  const nlohmann::json doc = nlohmann::json::parse(line);
  CHECK(doc["api_version"] == "ccs.v1");
  CHECK(doc["kind"] == "GroupDump");
  CHECK(doc["group"]["name"] == "tp0");
  CHECK(doc["group"]["state"] == "BROKEN");
  CHECK(doc["capacity"] == 8);
  CHECK(doc["recorded_ops"] == 9);
  REQUIRE(doc["ops"].size() == 2);
  const auto& first = doc["ops"][0];
  CHECK(first["seq"] == 4);
  CHECK(first["collective"] == "all_reduce");
  CHECK(first["dtype"] == "bfloat16");
  CHECK(first["op"] == "max");
  CHECK(first["root"].is_null());
  CHECK(first["first_arrival_unix_us"] == 100'000'000 - 900);
  CHECK(first["duration_us"] == 400);
  CHECK(first["arrivals"][1]["rank"] == 1);
  CHECK(first["arrivals"][1]["after_first_us"] == 200);
  CHECK(first["status"]["code"] == "OK");
  const auto& second = doc["ops"][1];
  CHECK(second["dtype"].is_null());
  CHECK(second["op"].is_null());
  CHECK(second["status"]["code"] == "ABORTED");
  CHECK(second["status"]["message"] == "group 'tp0' is BROKEN");
}

}  // namespace
}  // namespace ccs
