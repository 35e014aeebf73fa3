// ccsctl's JSON output (-o json). Field names are part of ccsctl's stable
// interface: snake_case, named as in ccs.v1, never renamed; new fields may be
// added. Every document is an object with "api_version": "ccs.v1" and a
// "kind"; enums are strings ("READY", "all_reduce", "float32"), or null when
// the daemon sent a value this ccsctl does not know.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ccs/inspector.h"

namespace ccs::cli {

inline constexpr char kApiVersion[] = "ccs.v1";

// {"api_version": "ccs.v1", "kind": kind}.
nlohmann::json Document(const std::string& kind);

nlohmann::json ToJson(const VersionInfo& v);
nlohmann::json ToJson(const SessionInfo& s);
nlohmann::json ToJson(const BufferInfo& b);
nlohmann::json ToJson(const GroupSummary& g);
nlohmann::json ToJson(const MemberInfo& m);
nlohmann::json ToJson(const InFlightOp& op);
nlohmann::json ToJson(const GroupNode& n);
nlohmann::json ToJson(const NodeInfo& n);
nlohmann::json ToJson(const GroupOp& op);
nlohmann::json ToJson(const SessionRank& r);
// Times as given (wall clock, microseconds since the epoch) plus derived
// "duration_us" and per-arrival "after_first_us"; "status": {"code": "OK",
// "message": ...}.
nlohmann::json ToJson(const OpRecord& op);

// kind "GroupList" {"groups": [...]}, "SessionList" {"sessions": [...]},
// "BufferList" {"buffers": [...]}.
nlohmann::json GroupListJson(const std::vector<GroupSummary>& groups);
nlohmann::json SessionListJson(const std::vector<SessionInfo>& sessions);
nlohmann::json BufferListJson(const std::vector<BufferInfo>& buffers);
// kind "NodeList" {"nodes": [...]} (this daemon first), "OpList" {"ops":
// [{"group", "epoch", "op": {...}}]}.
nlohmann::json NodeListJson(const std::vector<NodeInfo>& nodes);
nlohmann::json OpListJson(const std::vector<GroupOp>& ops);
// kind "Group": {"group": {...}, "members": [...], "in_flight": [...],
// "nodes": [...]}.
nlohmann::json GroupDetailJson(const GroupDetail& detail);
// kind "Session": {"session": {...}, "buffers": [...], "ranks": [...],
// "ops": [...]}.
nlohmann::json SessionDetailJson(const SessionDetail& detail);
// kind "GroupDump": {"group": {...}, "capacity", "recorded_ops", "ops":
// [...]} (oldest op first). ccsd logs the same document when a group goes
// BROKEN.
nlohmann::json GroupDumpJson(const GroupDump& dump);
// kind "Version": {"client": {version, git_commit}, "daemon": {...} or null}.
nlohmann::json VersionJson(const std::optional<VersionInfo>& daemon);
// kind "Health": {"address", "service" (grpc.health.v1 name, "" = overall),
// "status": "SERVING" | "NOT_SERVING", "reason"}.
nlohmann::json HealthJson(const std::string& address, bool serving,
                          const std::string& reason, const std::string& service = "");

}  // namespace ccs::cli
