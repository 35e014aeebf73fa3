// ccsctl's commands. Each writes its result to `out` and returns an exit
// code (client/cli/exit_codes.h); failures to reach or query the daemon are
// thrown as ccs::Error and mapped to exit codes by main.
#pragma once

#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include "ccs/inspector.h"

namespace ccs::cli {

enum class OutputFormat { kTable, kJson };

// Options every command takes.
struct GlobalOptions {
  std::string address;
  OutputFormat output = OutputFormat::kTable;
  // Bounds the connection wait and each call.
  std::chrono::milliseconds timeout{5000};
};

// Connects to the daemon of `options`. Throws Error (UNAVAILABLE).
std::unique_ptr<Inspector> ConnectInspector(const GlobalOptions& options);

enum class Resource { kGroups, kSessions, kBuffers };

// `ccsctl get groups|sessions|buffers`.
int RunGet(const GlobalOptions& options, Resource resource, std::ostream& out);
// `ccsctl describe group NAME`.
int RunDescribeGroup(const GlobalOptions& options, const std::string& name,
                     std::ostream& out);
// `ccsctl dump group NAME`: the group's flight recorder as JSON (kind
// "GroupDump"), whatever -o says.
int RunDumpGroup(const GlobalOptions& options, const std::string& name, std::ostream& out);
// `ccsctl health [--service liveness|readiness]`: prints SERVING or
// NOT_SERVING (with the reason); never throws. 0 serving, 2 unreachable,
// 4 reachable but not serving (or the service is unknown to the daemon).
int RunHealth(const GlobalOptions& options, HealthService service, std::ostream& out);
// `ccsctl version`: the client's version always, the daemon's when it
// answers (else exit code 2 and the error on `err`).
int RunVersion(const GlobalOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ccs::cli
