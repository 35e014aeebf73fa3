// ccsctl's commands. Each writes its result to `out` and returns an exit
// code (client/cli/exit_codes.h); failures to reach or query the daemon are
// thrown as ccs::Error and mapped to exit codes by main.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "ccs/inspector.h"
#include "client/cli/output.h"

namespace ccs::cli {

// Options every command takes.
struct GlobalOptions {
  std::string address;
  OutputFormat output = OutputFormat::kTable;
  // Bounds the connection wait and each call.
  std::chrono::milliseconds timeout{5000};
  // --watch: poll every `watch_interval` and print whenever the result
  // changed (ages and waiting times aside); stop after `watch_limit`
  // outputs (0: never).
  bool watch = false;
  std::chrono::milliseconds watch_interval{1000};
  uint32_t watch_limit = 0;
};

// Connects to the daemon of `options`. Throws Error (UNAVAILABLE).
std::unique_ptr<Inspector> ConnectInspector(const GlobalOptions& options);

// What a read command found: its versioned document (json_render.h) and
// its human form.
struct View {
  nlohmann::json doc;
  std::function<void(std::ostream&, bool wide)> text;
};
// Reads one view from the daemon; throws Error.
using Query = std::function<View(Inspector&)>;

enum class Resource { kGroups, kSessions, kBuffers, kNodes, kOps };

// `ccsctl get groups|sessions|buffers|nodes|ops`.
Query GetQuery(Resource resource);
// `ccsctl describe group NAME [--local]`.
Query DescribeGroupQuery(const std::string& name, bool local_only);
// `ccsctl describe session ID`.
Query DescribeSessionQuery(uint64_t session_id);

// Runs `query` once and writes it in options.output, or with
// options.watch keeps polling (see GlobalOptions). While watching, a
// failed poll is reported on `err` and polling goes on.
int RunQuery(const GlobalOptions& options, const Query& query, std::ostream& out,
             std::ostream& err);

// The part of `doc` that --watch compares: without the fields that change
// with time alone (age_ms, waiting_ms, uptime_ms, rtt_us).
nlohmann::json StableContent(const nlohmann::json& doc);

// `ccsctl dump group NAME`: the group's flight recorder as JSON (kind
// "GroupDump"), or YAML with -o yaml.
int RunDumpGroup(const GlobalOptions& options, const std::string& name, std::ostream& out);
// `ccsctl health [--service liveness|readiness]`: prints SERVING or
// NOT_SERVING (with the reason); never throws. 0 serving, 2 unreachable,
// 4 reachable but not serving (or the service is unknown to the daemon).
int RunHealth(const GlobalOptions& options, HealthService service, std::ostream& out);
// `ccsctl version`: the client's version always, the daemon's when it
// answers (else exit code 2 and the error on `err`).
int RunVersion(const GlobalOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ccs::cli
