// The daemon's JSON form of a group's flight recorder, written to the log
// when the group goes BROKEN. Same document as `ccsctl dump group NAME -o
// json` (kind "GroupDump", api_version "ccs.v1", same field names), so one
// tool reads both.
#pragma once

#include <string>

#include "daemon/core/group.h"

namespace ccs {

// One line of JSON (no newline): {"api_version": "ccs.v1", "kind":
// "GroupDump", "group": {...}, "capacity": N, "recorded_ops": M, "ops":
// [...]}; see docs/ARCHITECTURE.md for the fields. Thread-safe.
std::string GroupDumpJsonLine(const GroupDump& dump);

}  // namespace ccs
