#include "client/cli/json_render.h"

#include "ccs/version.h"

namespace ccs::cli {
namespace {

template <typename Enum, typename NameFn>
nlohmann::json EnumJson(const std::optional<Enum>& value, NameFn name) {
  if (!value) return nullptr;
  return std::string(name(*value));
}

template <typename T>
nlohmann::json ListJson(const std::vector<T>& items) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& item : items) list.push_back(ToJson(item));
  return list;
}

}  // namespace

nlohmann::json Document(const std::string& kind) {
  return {{"api_version", kApiVersion}, {"kind", kind}};
}

nlohmann::json ToJson(const VersionInfo& v) {
  return {{"version", v.version},     {"git_commit", v.git_commit},
          {"engines", v.engines},     {"pid", v.pid},
          {"uptime_ms", v.uptime_ms}, {"nccl_version", v.nccl_version}};
}

nlohmann::json ToJson(const SessionInfo& s) {
  return {{"session_id", s.session_id},
          {"uid", s.uid},
          {"pid", s.pid},
          {"client_name", s.client_name},
          {"buffers", s.buffers},
          {"mapped_bytes", s.mapped_bytes},
          {"groups", s.groups},
          {"age_ms", s.age_ms}};
}

nlohmann::json ToJson(const BufferInfo& b) {
  return {{"buffer_id", b.buffer_id},
          {"session_id", b.session_id},
          {"kind", b.kind},
          {"shm_name", b.shm_name},
          {"size_bytes", b.size_bytes},
          {"device_uuid", b.device_uuid}};
}

nlohmann::json ToJson(const GroupSummary& g) {
  return {{"group_id", g.group_id},
          {"name", g.name},
          {"epoch", g.epoch},
          {"state", EnumJson(g.state, GroupStateName)},
          {"world_size", g.world_size},
          {"joined", g.joined},
          {"completed_seq", g.completed_seq},
          {"in_flight_ops", g.in_flight_ops},
          {"broken_reason", g.broken_reason},
          {"age_ms", g.age_ms}};
}

nlohmann::json ToJson(const MemberInfo& m) {
  return {{"rank", m.rank},
          {"joined", m.joined},
          {"session_id", m.session_id},
          {"pid", m.pid},
          {"uid", m.uid},
          {"last_completed_seq", m.last_completed_seq},
          {"last_completed_collective", EnumJson(m.last_completed_kind, CollectiveName)},
          {"alive", m.alive},
          {"node", m.node},
          {"remote", m.remote}};
}

nlohmann::json ToJson(const GroupNode& n) {
  return {{"name", n.name},
          {"peer_address", n.peer_address},
          {"self", n.self},
          {"answered", n.answered},
          {"error", n.error},
          {"state", EnumJson(n.state, GroupStateName)},
          {"ranks", n.ranks}};
}

nlohmann::json ToJson(const InFlightOp& op) {
  nlohmann::json arrivals = nlohmann::json::array();
  for (const ArrivedRank& a : op.arrivals) {
    arrivals.push_back({{"rank", a.rank}, {"waiting_ms", a.waiting_ms}});
  }
  return {{"seq", op.seq},
          {"collective", EnumJson(op.kind, CollectiveName)},
          {"dtype", EnumJson(op.dtype, DataTypeName)},
          {"count", op.count},
          {"arrived_ranks", op.arrived_ranks},
          {"missing_ranks", op.missing_ranks},
          {"unknown_ranks", op.unknown_ranks},
          {"arrivals", arrivals},
          {"waiting_ms", op.waiting_ms}};
}

nlohmann::json ToJson(const NodeInfo& n) {
  return {{"name", n.name},
          {"peer_address", n.peer_address},
          {"self", n.self},
          {"rendezvous_root", n.rendezvous_root},
          {"version", n.version},
          {"reachable", n.reachable},
          {"error", n.error},
          {"rtt_us", n.rtt_us},
          {"groups", n.groups}};
}

nlohmann::json ToJson(const GroupOp& op) {
  return {{"group", op.group}, {"epoch", op.epoch}, {"op", ToJson(op.op)}};
}

nlohmann::json ToJson(const SessionRank& r) {
  return {{"group", r.group},
          {"epoch", r.epoch},
          {"rank", r.rank},
          {"world_size", r.world_size},
          {"state", EnumJson(r.state, GroupStateName)},
          {"last_completed_seq", r.last_completed_seq}};
}

nlohmann::json ToJson(const OpRecord& op) {
  nlohmann::json arrivals = nlohmann::json::array();
  for (const OpArrival& a : op.arrivals) {
    arrivals.push_back({{"rank", a.rank},
                        {"arrived_unix_us", a.arrived_unix_us},
                        {"after_first_us", a.arrived_unix_us - op.first_arrival_unix_us}});
  }
  auto or_null = [](const std::optional<uint32_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"seq", op.seq},
          {"collective", EnumJson(op.kind, CollectiveName)},
          {"dtype", EnumJson(op.dtype, DataTypeName)},
          {"op", EnumJson(op.op, ReduceOpName)},
          {"count", op.count},
          {"root", or_null(op.root)},
          {"peer", or_null(op.peer)},
          {"bytes", op.bytes},
          {"first_arrival_unix_us", op.first_arrival_unix_us},
          {"finished_unix_us", op.finished_unix_us},
          {"duration_us", op.finished_unix_us - op.first_arrival_unix_us},
          {"arrivals", arrivals},
          {"status",
           {{"code", std::string(CodeName(op.status_code))}, {"message", op.status_message}}}};
}

nlohmann::json GroupListJson(const std::vector<GroupSummary>& groups) {
  nlohmann::json doc = Document("GroupList");
  doc["groups"] = ListJson(groups);
  return doc;
}

nlohmann::json SessionListJson(const std::vector<SessionInfo>& sessions) {
  nlohmann::json doc = Document("SessionList");
  doc["sessions"] = ListJson(sessions);
  return doc;
}

nlohmann::json BufferListJson(const std::vector<BufferInfo>& buffers) {
  nlohmann::json doc = Document("BufferList");
  doc["buffers"] = ListJson(buffers);
  return doc;
}

nlohmann::json NodeListJson(const std::vector<NodeInfo>& nodes) {
  nlohmann::json doc = Document("NodeList");
  doc["nodes"] = ListJson(nodes);
  return doc;
}

nlohmann::json OpListJson(const std::vector<GroupOp>& ops) {
  nlohmann::json doc = Document("OpList");
  doc["ops"] = ListJson(ops);
  return doc;
}

nlohmann::json SessionDetailJson(const SessionDetail& detail) {
  nlohmann::json doc = Document("Session");
  doc["session"] = ToJson(detail.session);
  doc["buffers"] = ListJson(detail.buffers);
  doc["ranks"] = ListJson(detail.ranks);
  doc["ops"] = ListJson(detail.ops);
  return doc;
}

nlohmann::json GroupDetailJson(const GroupDetail& detail) {
  nlohmann::json doc = Document("Group");
  doc["group"] = ToJson(detail.group);
  doc["members"] = ListJson(detail.members);
  doc["in_flight"] = ListJson(detail.in_flight);
  doc["nodes"] = ListJson(detail.nodes);
  return doc;
}

nlohmann::json GroupDumpJson(const GroupDump& dump) {
  nlohmann::json doc = Document("GroupDump");
  doc["group"] = ToJson(dump.group);
  doc["capacity"] = dump.capacity;
  doc["recorded_ops"] = dump.recorded_ops;
  doc["ops"] = ListJson(dump.ops);
  return doc;
}

nlohmann::json VersionJson(const std::optional<VersionInfo>& daemon) {
  nlohmann::json doc = Document("Version");
  doc["client"] = {{"version", std::string(SdkVersion())},
                   {"git_commit", std::string(SdkGitCommit())}};
  doc["daemon"] = daemon ? ToJson(*daemon) : nlohmann::json(nullptr);
  return doc;
}

nlohmann::json HealthJson(const std::string& address, bool serving,
                          const std::string& reason, const std::string& service) {
  nlohmann::json doc = Document("Health");
  doc["address"] = address;
  doc["service"] = service;
  doc["status"] = serving ? "SERVING" : "NOT_SERVING";
  doc["reason"] = reason;
  return doc;
}

}  // namespace ccs::cli
