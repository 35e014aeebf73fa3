// ccsctl's human output (-o table): aligned tables and field lists.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "ccs/inspector.h"

namespace ccs::cli {

void PrintGroups(std::ostream& out, const std::vector<GroupSummary>& groups);
void PrintSessions(std::ostream& out, const std::vector<SessionInfo>& sessions);
void PrintBuffers(std::ostream& out, const std::vector<BufferInfo>& buffers);
// The group's fields, its members, and every in-flight op with the ranks it
// still waits for.
void PrintGroupDetail(std::ostream& out, const GroupDetail& detail);
// "client: ..." and, when known, "daemon: ...".
void PrintVersion(std::ostream& out, const std::optional<VersionInfo>& daemon);

}  // namespace ccs::cli
