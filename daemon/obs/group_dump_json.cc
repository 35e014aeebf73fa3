#include "daemon/obs/group_dump_json.h"

#include <nlohmann/json.hpp>

namespace ccs {
namespace {

using nlohmann::json;

json GroupJson(const GroupView& v) {
  return {{"group_id", v.id},
          {"name", v.name},
          {"epoch", v.epoch},
          {"state", std::string(GroupStateName(v.state))},
          {"world_size", v.world_size},
          {"joined", v.joined},
          {"completed_seq", v.completed_seq},
          {"in_flight_ops", v.in_flight.size()},
          {"broken_reason", v.broken_reason},
          {"age_ms", v.age.count()}};
}

json OpJson(const FlightDump& dump, const OpRecord& r) {
  const int64_t first = UnixMicros(dump, r.first_arrival);
  const int64_t finished = UnixMicros(dump, r.finished);
  json arrivals = json::array();
  for (const RankArrival& a : r.arrivals) {
    const int64_t at = UnixMicros(dump, a.at);
    arrivals.push_back(
        {{"rank", a.rank}, {"arrived_unix_us", at}, {"after_first_us", at - first}});
  }
  const bool p2p = IsPointToPoint(r.kind);
  return {
      {"seq", r.seq},
      {"collective", std::string(CollectiveName(r.kind))},
      {"dtype", r.kind == CollectiveKind::kBarrier
                    ? json(nullptr)
                    : json(std::string(DataTypeName(r.dtype)))},
      {"op", IsReduction(r.kind) ? json(std::string(ReduceOpName(r.op))) : json(nullptr)},
      {"count", r.count},
      {"root", IsRooted(r.kind) ? json(r.root) : json(nullptr)},
      {"peer", p2p ? json(r.peer) : json(nullptr)},
      {"bytes", r.bytes},
      {"first_arrival_unix_us", first},
      {"finished_unix_us", finished},
      {"duration_us", finished - first},
      {"arrivals", arrivals},
      {"path", r.path.empty() ? json(nullptr) : json(r.path)},
      {"status",
       {{"code", std::string(StatusCodeName(r.code))}, {"message", r.message}}}};
}

}  // namespace

std::string GroupDumpJsonLine(const GroupDump& dump) {
  json ops = json::array();
  for (const OpRecord& r : dump.flight.ops) ops.push_back(OpJson(dump.flight, r));
  json doc = {{"api_version", "ccs.v1"},
              {"kind", "GroupDump"},
              {"group", GroupJson(dump.view)},
              {"capacity", dump.flight.capacity},
              {"recorded_ops", dump.flight.recorded},
              {"ops", ops}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace ccs
