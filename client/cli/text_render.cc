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

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return OrDash(out);
}

}  // namespace

void PrintGroups(std::ostream& out, const std::vector<GroupSummary>& groups) {
  if (groups.empty()) {
    out << "No groups found.\n";
    return;
  }
  Table table({"NAME", "ID", "EPOCH", "STATE", "JOINED", "COMPLETED", "IN-FLIGHT", "AGE",
               "BROKEN-REASON"});
  for (const auto& g : groups) {
    table.AddRow({g.name, std::to_string(g.group_id), std::to_string(g.epoch),
                  EnumText(g.state, GroupStateName),
                  std::to_string(g.joined) + "/" + std::to_string(g.world_size),
                  std::to_string(g.completed_seq), std::to_string(g.in_flight_ops),
                  FormatDuration(g.age_ms), OrDash(g.broken_reason)});
  }
  table.Print(out);
}

void PrintSessions(std::ostream& out, const std::vector<SessionInfo>& sessions) {
  if (sessions.empty()) {
    out << "No sessions found.\n";
    return;
  }
  Table table({"ID", "PID", "UID", "NAME", "BUFFERS", "MAPPED", "GROUPS", "AGE"});
  for (const auto& s : sessions) {
    table.AddRow({std::to_string(s.session_id), std::to_string(s.pid),
                  std::to_string(s.uid), OrDash(s.client_name), std::to_string(s.buffers),
                  FormatBytes(s.mapped_bytes), std::to_string(s.groups),
                  FormatDuration(s.age_ms)});
  }
  table.Print(out);
}

void PrintBuffers(std::ostream& out, const std::vector<BufferInfo>& buffers) {
  if (buffers.empty()) {
    out << "No buffers found.\n";
    return;
  }
  Table table({"ID", "SESSION", "KIND", "SIZE", "SHM-NAME"});
  for (const auto& b : buffers) {
    table.AddRow({std::to_string(b.buffer_id), std::to_string(b.session_id), b.kind,
                  FormatBytes(b.size_bytes), OrDash(b.shm_name)});
  }
  table.Print(out);
}

void PrintGroupDetail(std::ostream& out, const GroupDetail& detail) {
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

  out << "\nMembers:\n";
  Table members({"RANK", "JOINED", "ALIVE", "SESSION", "PID", "UID", "LAST-SEQ"});
  for (const auto& m : detail.members) {
    members.AddRow({std::to_string(m.rank), YesNo(m.joined), YesNo(m.alive),
                    m.joined ? std::to_string(m.session_id) : "-",
                    m.joined ? std::to_string(m.pid) : "-",
                    m.joined ? std::to_string(m.uid) : "-",
                    std::to_string(m.last_completed_seq)});
  }
  members.Print(out);

  out << "\nIn-flight ops:";
  if (detail.in_flight.empty()) {
    out << " none\n";
    return;
  }
  out << "\n";
  Table ops({"SEQ", "COLLECTIVE", "DTYPE", "COUNT", "ARRIVED", "WAITING-FOR", "WAITING"});
  for (const auto& op : detail.in_flight) {
    ops.AddRow({std::to_string(op.seq), EnumText(op.kind, CollectiveName),
                EnumText(op.dtype, DataTypeName), std::to_string(op.count),
                FormatRanks(op.arrived_ranks), FormatRanks(op.missing_ranks),
                FormatDuration(op.waiting_ms)});
  }
  ops.Print(out);
}

void PrintVersion(std::ostream& out, const std::optional<VersionInfo>& daemon) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Client", std::string(SdkVersion()) + " (" + std::string(SdkGitCommit()) + ")"}};
  if (daemon) {
    fields.emplace_back(
        "Daemon", OrDash(daemon->version) + " (" + OrDash(daemon->git_commit) + ")");
    fields.emplace_back("Engines", Join(daemon->engines));
    fields.emplace_back("Daemon pid", std::to_string(daemon->pid));
    fields.emplace_back("Uptime", FormatDuration(daemon->uptime_ms));
  }
  PrintFields(out, fields);
}

}  // namespace ccs::cli
