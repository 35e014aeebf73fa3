// ccsctl's human output (-o table): aligned tables and field lists.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "ccs/inspector.h"

namespace ccs::cli {

// Every printer writes aligned tables; `wide` (-o wide) adds columns.
void PrintGroups(std::ostream& out, const std::vector<GroupSummary>& groups, bool wide = false);
void PrintSessions(std::ostream& out, const std::vector<SessionInfo>& sessions,
                   bool wide = false);
void PrintBuffers(std::ostream& out, const std::vector<BufferInfo>& buffers, bool wide = false);
void PrintNodeList(std::ostream& out, const std::vector<NodeInfo>& nodes, bool wide = false);
void PrintOps(std::ostream& out, const std::vector<GroupOp>& ops, bool wide = false);
// The group's fields, its nodes, members, every in-flight op with the ranks
// it still waits for, and for the oldest in-flight collective every rank:
// arrived (for how long) or missing (node, pid, session, last completed op).
void PrintGroupDetail(std::ostream& out, const GroupDetail& detail, bool wide = false);
// The session's process, ranks, buffers and the in-flight ops it is in.
void PrintSessionDetail(std::ostream& out, const SessionDetail& detail, bool wide = false);
// "client: ..." and, when known, "daemon: ...".
void PrintVersion(std::ostream& out, const std::optional<VersionInfo>& daemon);

}  // namespace ccs::cli
