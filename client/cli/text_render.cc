#include "client/cli/text_render.h"

#include <string>

#include "ccs/version.h"
#include "client/cli/format.h"
#include "client/cli/table.h"

namespace ccs::cli {
namespace {

template <typename Enum, typename NameFn>
std::string EnumText(const std::optional<Enum>& value, NameFn name) {
  return value ? std::string(name(*value)) : "?";
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

// The ranks an op waits for: "3", or with ranks of other nodes that this
// answer does not cover, "3, ? 4-5".
std::string WaitingFor(const InFlightOp& op) {
  if (op.unknown_ranks.empty()) return FormatRanks(op.missing_ranks);
  std::string out = op.missing_ranks.empty() ? "" : FormatRanks(op.missing_ranks) + ", ";
  return out + "? " + FormatRanks(op.unknown_ranks);
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return OrDash(out);
}

}  // namespace

void PrintGroups(std::ostream& out, const std::vector<GroupSummary>& groups, bool wide) {
  if (groups.empty()) {
    out << "No groups found.\n";
    return;
  }
  std::vector<std::string> headers = {"NAME",      "EPOCH",     "STATE", "JOINED",
                                      "COMPLETED", "IN-FLIGHT", "AGE",   "BROKEN-REASON"};
  if (wide) headers.insert(headers.begin() + 1, "ID");
  Table table(headers);
  for (const auto& g : groups) {
    std::vector<std::string> row = {g.name,
                                    std::to_string(g.epoch),
                                    EnumText(g.state, GroupStateName),
                                    std::to_string(g.joined) + "/" + std::to_string(g.world_size),
                                    std::to_string(g.completed_seq),
                                    std::to_string(g.in_flight_ops),
                                    FormatDuration(g.age_ms),
                                    OrDash(g.broken_reason)};
    if (wide) row.insert(row.begin() + 1, std::to_string(g.group_id));
    table.AddRow(std::move(row));
  }
  table.Print(out);
}

void PrintSessions(std::ostream& out, const std::vector<SessionInfo>& sessions, bool wide) {
  if (sessions.empty()) {
    out << "No sessions found.\n";
    return;
  }
  std::vector<std::string> headers = {"ID",     "PID",    "NAME", "BUFFERS",
                                      "MAPPED", "GROUPS", "AGE"};
  if (wide) headers.insert(headers.begin() + 2, "UID");
  Table table(headers);
  for (const auto& s : sessions) {
    std::vector<std::string> row = {std::to_string(s.session_id), std::to_string(s.pid),
                                    OrDash(s.client_name),        std::to_string(s.buffers),
                                    FormatBytes(s.mapped_bytes),  std::to_string(s.groups),
                                    FormatDuration(s.age_ms)};
    if (wide) row.insert(row.begin() + 2, std::to_string(s.uid));
    table.AddRow(std::move(row));
  }
  table.Print(out);
}

void PrintBuffers(std::ostream& out, const std::vector<BufferInfo>& buffers, bool wide) {
  if (buffers.empty()) {
    out << "No buffers found.\n";
    return;
  }
  std::vector<std::string> headers = {"ID", "SESSION", "KIND", "SIZE"};
  if (wide) {
    headers.push_back("SHM-NAME");
    headers.push_back("DEVICE");
  }
  Table table(headers);
  for (const auto& b : buffers) {
    std::vector<std::string> row = {std::to_string(b.buffer_id), std::to_string(b.session_id),
                                    b.kind, FormatBytes(b.size_bytes)};
    if (wide) {
      row.push_back(OrDash(b.shm_name));
      row.push_back(OrDash(b.device_uuid));
    }
    table.AddRow(std::move(row));
  }
  table.Print(out);
}

void PrintNodeList(std::ostream& out, const std::vector<NodeInfo>& nodes, bool wide) {
  std::vector<std::string> headers = {"NODE", "ADDRESS", "ROLE", "REACHABLE", "GROUPS"};
  if (wide) {
    headers.insert(headers.begin() + 4, "RTT");
    headers.insert(headers.begin() + 4, "VERSION");
  }
  Table table(headers);
  for (const auto& n : nodes) {
    std::string role = n.self ? "self" : "peer";
    if (n.rendezvous_root) role += ",rendezvous-root";
    std::string reachable = n.reachable ? "yes" : "no";
    if (!n.error.empty()) reachable += ": " + n.error;
    std::string groups = std::to_string(n.groups.size());
    std::vector<std::string> row = {OrDash(n.name), OrDash(n.peer_address), role, reachable,
                                    wide ? Join(n.groups) : groups};
    if (wide) {
      row.insert(row.begin() + 4, n.self ? "-" : FormatMicros(n.rtt_us));
      row.insert(row.begin() + 4, OrDash(n.version));
    }
    table.AddRow(std::move(row));
  }
  table.Print(out);
}

void PrintOps(std::ostream& out, const std::vector<GroupOp>& ops, bool wide) {
  if (ops.empty()) {
    out << "No ops in flight.\n";
    return;
  }
  std::vector<std::string> headers = {"GROUP",   "SEQ",         "COLLECTIVE", "COUNT",
                                      "ARRIVED", "WAITING-FOR", "WAITING"};
  if (wide) {
    headers.insert(headers.begin() + 3, "DTYPE");
    headers.insert(headers.begin() + 1, "EPOCH");
  }
  Table table(headers);
  for (const auto& g : ops) {
    const InFlightOp& op = g.op;
    std::vector<std::string> row = {g.group,
                                    std::to_string(op.seq),
                                    EnumText(op.kind, CollectiveName),
                                    std::to_string(op.count),
                                    FormatRanks(op.arrived_ranks),
                                    WaitingFor(op),
                                    FormatDuration(op.waiting_ms)};
    if (wide) {
      row.insert(row.begin() + 3, EnumText(op.dtype, DataTypeName));
      row.insert(row.begin() + 1, std::to_string(g.epoch));
    }
    table.AddRow(std::move(row));
  }
  table.Print(out);
}

void PrintSessionDetail(std::ostream& out, const SessionDetail& detail, bool wide) {
  const SessionInfo& s = detail.session;
  PrintFields(out, {{"ID", std::to_string(s.session_id)},
                    {"Client", OrDash(s.client_name)},
                    {"PID", std::to_string(s.pid)},
                    {"UID", std::to_string(s.uid)},
                    {"Buffers", std::to_string(s.buffers) + " (" + FormatBytes(s.mapped_bytes) +
                                    " mapped)"},
                    {"Age", FormatDuration(s.age_ms)}});
  out << "\nRanks:";
  if (detail.ranks.empty()) {
    out << " none\n";
  } else {
    out << "\n";
    Table ranks({"GROUP", "EPOCH", "RANK", "STATE", "LAST-COMPLETED"});
    for (const auto& r : detail.ranks) {
      ranks.AddRow({r.group, std::to_string(r.epoch),
                    std::to_string(r.rank) + "/" + std::to_string(r.world_size),
                    EnumText(r.state, GroupStateName), std::to_string(r.last_completed_seq)});
    }
    ranks.Print(out);
  }
  out << "\nBuffers:";
  if (detail.buffers.empty()) {
    out << " none\n";
  } else {
    out << "\n";
    PrintBuffers(out, detail.buffers, wide);
  }
  out << "\nIn-flight ops:";
  if (detail.ops.empty()) {
    out << " none\n";
  } else {
    out << "\n";
    PrintOps(out, detail.ops, wide);
  }
}

namespace {

const MemberInfo* FindMember(const GroupDetail& detail, uint32_t rank) {
  for (const auto& m : detail.members) {
    if (m.rank == rank) return &m;
  }
  return nullptr;
}

std::string LastCompleted(const MemberInfo& m) {
  if (m.remote) return "?";
  if (m.last_completed_seq == 0) return "none";
  std::string out = std::to_string(m.last_completed_seq);
  if (m.last_completed_kind)
    out += " (" + std::string(CollectiveName(*m.last_completed_kind)) + ")";
  return out;
}

void PrintNodes(std::ostream& out, const GroupDetail& detail, bool wide) {
  std::vector<std::string> headers = {"NODE", "RANKS", "STATE", "ANSWERED"};
  if (wide) headers.insert(headers.begin() + 1, "ADDRESS");
  Table nodes(headers);
  for (const auto& n : detail.nodes) {
    std::string answered = n.self ? "yes (this daemon)" : n.answered ? "yes" : "no: " + n.error;
    std::vector<std::string> row = {n.name, FormatRanks(n.ranks),
                                    n.answered ? EnumText(n.state, GroupStateName) : "?",
                                    answered};
    if (wide) row.insert(row.begin() + 1, OrDash(n.peer_address));
    nodes.AddRow(std::move(row));
  }
  nodes.Print(out);
}

void PrintMembers(std::ostream& out, const GroupDetail& detail, bool wide) {
  std::vector<std::string> headers = {"RANK",    "NODE", "JOINED",       "ALIVE",
                                      "SESSION", "PID",  "LAST-COMPLETED"};
  if (wide) headers.insert(headers.begin() + 6, "UID");
  Table members(headers);
  for (const auto& m : detail.members) {
    const bool known = m.joined && !m.remote;
    std::vector<std::string> row = {std::to_string(m.rank),
                                    OrDash(m.node),
                                    m.remote ? "?" : YesNo(m.joined),
                                    m.remote ? "?" : YesNo(m.alive),
                                    known ? std::to_string(m.session_id) : "-",
                                    known ? std::to_string(m.pid) : "-",
                                    LastCompleted(m)};
    if (wide) row.insert(row.begin() + 6, known ? std::to_string(m.uid) : "-");
    members.AddRow(std::move(row));
  }
  members.Print(out);
}

// Every rank of the oldest in-flight collective: arrived (for how long),
// missing (with its node, process and the last op it completed) or unknown.
void PrintOldestOp(std::ostream& out, const GroupDetail& detail) {
  const InFlightOp* oldest = nullptr;
  for (const auto& op : detail.in_flight) {
    const bool channel = op.kind == CollectiveKind::kSend || op.kind == CollectiveKind::kRecv;
    if (!channel) {
      oldest = &op;
      break;
    }
  }
  if (oldest == nullptr) return;
  out << "\nOldest in-flight op: seq " << oldest->seq << ' '
      << EnumText(oldest->kind, CollectiveName) << ", waiting "
      << FormatDuration(oldest->waiting_ms);
  if (!oldest->missing_ranks.empty()) {
    out << ", missing rank" << (oldest->missing_ranks.size() > 1 ? "s " : " ")
        << FormatRanks(oldest->missing_ranks);
  }
  out << "\n";
  Table ranks({"RANK", "NODE", "PID", "SESSION", "ARRIVED", "WAITING", "LAST-COMPLETED"});
  auto add = [&](uint32_t rank, const std::string& arrived, const std::string& waiting) {
    const MemberInfo* m = FindMember(detail, rank);
    const bool known = m != nullptr && m->joined && !m->remote;
    ranks.AddRow({std::to_string(rank), m ? OrDash(m->node) : "-",
                  known ? std::to_string(m->pid) : "-",
                  known ? std::to_string(m->session_id) : "-", arrived, waiting,
                  m ? LastCompleted(*m) : "?"});
  };
  for (uint32_t r : oldest->missing_ranks) add(r, "NO", "-");
  for (uint32_t r : oldest->unknown_ranks) add(r, "? (node did not answer)", "-");
  for (const auto& a : oldest->arrivals) add(a.rank, "yes", FormatDuration(a.waiting_ms));
  ranks.Print(out);
}

}  // namespace

void PrintGroupDetail(std::ostream& out, const GroupDetail& detail, bool wide) {
  const GroupSummary& g = detail.group;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Name", g.name},
      {"ID", std::to_string(g.group_id)},
      {"Epoch", std::to_string(g.epoch)},
      {"State", EnumText(g.state, GroupStateName)},
      {"Joined", std::to_string(g.joined) + "/" + std::to_string(g.world_size)},
      {"Completed seq", std::to_string(g.completed_seq)},
      {"In-flight ops", std::to_string(g.in_flight_ops)},
      {"Age", FormatDuration(g.age_ms)},
  };
  if (!g.broken_reason.empty()) fields.emplace_back("Broken reason", g.broken_reason);
  PrintFields(out, fields);

  out << "\nNodes:\n";
  PrintNodes(out, detail, wide);
  out << "\nMembers:\n";
  PrintMembers(out, detail, wide);

  out << "\nIn-flight ops:";
  if (detail.in_flight.empty()) {
    out << " none\n";
    return;
  }
  out << "\n";
  std::vector<std::string> headers = {"SEQ",     "COLLECTIVE",  "DTYPE", "COUNT",
                                      "ARRIVED", "WAITING-FOR", "WAITING"};
  Table ops(headers);
  for (const auto& op : detail.in_flight) {
    std::vector<std::string> row = {std::to_string(op.seq), EnumText(op.kind, CollectiveName),
                                    EnumText(op.dtype, DataTypeName), std::to_string(op.count),
                                    FormatRanks(op.arrived_ranks), WaitingFor(op),
                                    FormatDuration(op.waiting_ms)};
    ops.AddRow(std::move(row));
  }
  ops.Print(out);
  PrintOldestOp(out, detail);
}

void PrintVersion(std::ostream& out, const std::optional<VersionInfo>& daemon) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Client", std::string(SdkVersion()) + " (" + std::string(SdkGitCommit()) + ")"}};
  if (daemon) {
    fields.emplace_back(
        "Daemon", OrDash(daemon->version) + " (" + OrDash(daemon->git_commit) + ")");
    fields.emplace_back("Engines", Join(daemon->engines));
    fields.emplace_back(
        "NCCL", daemon->nccl_version.empty() ? "not loaded" : daemon->nccl_version);
    fields.emplace_back("Daemon pid", std::to_string(daemon->pid));
    fields.emplace_back("Uptime", FormatDuration(daemon->uptime_ms));
  }
  PrintFields(out, fields);
}

}  // namespace ccs::cli
