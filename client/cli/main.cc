// ccsctl: inspect a ccsd daemon. Wiring only: the commands live in
// client/cli/commands/, the exit codes in client/cli/exit_codes.h:
//   0 ok, 1 usage error, 2 daemon unreachable (UNAVAILABLE or
//   DEADLINE_EXCEEDED), 3 not found, 4 any other error.
#include <CLI/CLI.hpp>
#include <cmath>
#include <functional>
#include <iostream>

#include "ccs/client.h"
#include "ccs/error.h"
#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"

namespace {

using ccs::cli::GlobalOptions;
using ccs::cli::Query;
using ccs::cli::Resource;

// Adds `--watch`, `--interval` and `--watch-limit` to a read command.
void AddWatch(CLI::App* command, GlobalOptions& options, double& interval_s) {
  command->add_flag("-w,--watch", options.watch,
                    "Keep polling and print the result again whenever it changes (ages and "
                    "waiting times aside); json: one document per line, yaml: --- separated");
  command->add_option("--interval", interval_s, "Seconds between polls with --watch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--watch-limit", options.watch_limit,
                      "Stop --watch after this many outputs (0: never)")
      ->capture_default_str();
}

// Adds `get groups|sessions|buffers|nodes|ops`; singular names are aliases.
void AddGet(CLI::App& app, GlobalOptions& options, double& interval_s, Query& query) {
  CLI::App* get = app.add_subcommand("get", "List groups, sessions, buffers, nodes or ops");
  // Checked after parsing, to name the resources in the error.
  get->require_subcommand(0, 1);
  const std::vector<std::tuple<std::string, std::string, Resource, std::string>> resources = {
      {"groups", "group", Resource::kGroups, "List groups"},
      {"sessions", "session", Resource::kSessions, "List client sessions"},
      {"buffers", "buffer", Resource::kBuffers, "List registered buffers"},
      {"nodes", "node", Resource::kNodes,
       "List this daemon and the nodes of its groups, each asked whether it answers"},
      {"ops", "op", Resource::kOps,
       "List every in-flight op of every group, with the ranks it waits for"},
  };
  for (const auto& [name, alias, resource, help] : resources) {
    CLI::App* sub = get->add_subcommand(name, help)->alias(alias);
    AddWatch(sub, options, interval_s);
    sub->callback([&query, resource = resource] { query = ccs::cli::GetQuery(resource); });
  }
}

// Adds `describe group NAME [--local]` and `describe session ID`.
void AddDescribe(CLI::App& app, GlobalOptions& options, double& interval_s,
                 std::string& group_name, Query& query) {
  CLI::App* describe = app.add_subcommand("describe", "Show one object in detail");
  describe->require_subcommand(1);
  CLI::App* group = describe->add_subcommand(
      "group",
      "A group's state, nodes, members, and every in-flight op with the ranks it waits for; "
      "for a group spanning nodes the daemon asks the other nodes too");
  group->alias("groups");
  group->add_option("name", group_name, "Group name")->required();
  auto local = std::make_shared<bool>(false);
  group->add_flag("--local", *local,
                  "Only what this daemon knows (do not ask the group's other nodes)");
  AddWatch(group, options, interval_s);
  group->callback([&query, &group_name, local] {
    query = ccs::cli::DescribeGroupQuery(group_name, *local);
  });
  CLI::App* session = describe->add_subcommand(
      "session", "A session's process, ranks, buffers and the in-flight ops it is in");
  session->alias("sessions");
  auto id = std::make_shared<uint64_t>(0);
  session->add_option("id", *id, "Session id (ccsctl get sessions)")->required();
  AddWatch(session, options, interval_s);
  session->callback([&query, id] { query = ccs::cli::DescribeSessionQuery(*id); });
}

// Adds `dump group NAME`.
void AddDump(CLI::App& app, const GlobalOptions& options, std::string& group_name,
             std::function<int()>& action) {
  CLI::App* dump = app.add_subcommand("dump", "Write an object's recorded history as JSON");
  dump->require_subcommand(1);
  CLI::App* group = dump->add_subcommand(
      "group",
      "A group's flight recorder: its last finished ops with per-rank arrival times and "
      "status (JSON, whatever -o says)");
  group->alias("groups");
  group->add_option("name", group_name, "Group name")->required();
  group->callback([&] {
    action = [&] { return ccs::cli::RunDumpGroup(options, group_name, std::cout); };
  });
}

// Adds `health [--service liveness|readiness]`.
void AddHealth(CLI::App& app, const GlobalOptions& options, std::string& service,
               std::function<int()>& action) {
  CLI::App* health = app.add_subcommand(
      "health", "Is the daemon serving? (grpc.health.v1; exit 0 SERVING, 4 NOT_SERVING)");
  health
      ->add_option("--service", service,
                   "liveness (ccs.liveness: the daemon runs), readiness (ccs.readiness: "
                   "it accepts work), or overall (\"\", follows readiness)")
      ->check(CLI::IsMember({"overall", "liveness", "readiness"}))
      ->capture_default_str();
  health->callback([&] {
    action = [&] {
      const ccs::HealthService which = service == "liveness"    ? ccs::HealthService::kLiveness
                                       : service == "readiness" ? ccs::HealthService::kReadiness
                                                                : ccs::HealthService::kOverall;
      return ccs::cli::RunHealth(options, which, std::cout);
    };
  });
}

}  // namespace

int main(int argc, char** argv) {
  GlobalOptions options;
  options.address = ccs::DefaultAddress();
  double timeout_s = 5.0;
  double interval_s = 1.0;
  std::string group_name;
  std::string health_service = "overall";
  std::function<int()> action;
  Query query;

  CLI::App app{"ccsctl: inspect the ccsd daemon of this node", "ccsctl"};
  app.footer(ccs::cli::kExitCodesHelp);
  app.fallthrough();  // global options may follow the subcommand
  app.require_subcommand(1);
  app.add_option("--addr", options.address,
                 "Daemon address: unix:///path, /path, or host:port")
      ->capture_default_str();
  std::string output = "table";
  app.add_option("-o,--output", output,
                 "Output format: table, wide (more columns), json or yaml (versioned "
                 "documents: api_version ccs.v1, see docs/CCSCTL.md)")
      ->check(CLI::IsMember({"table", "wide", "json", "yaml"}))
      ->capture_default_str();
  app.add_option("--timeout", timeout_s,
                 "Seconds to wait for the daemon (connection and each call)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  AddGet(app, options, interval_s, query);
  AddDescribe(app, options, interval_s, group_name, query);
  AddDump(app, options, group_name, action);
  AddHealth(app, options, health_service, action);
  app.add_subcommand("version", "Versions of ccsctl and of the daemon")->callback([&] {
    action = [&] { return ccs::cli::RunVersion(options, std::cout, std::cerr); };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? ccs::cli::kExitOk : ccs::cli::kExitUsage;
  }
  if (query) {
    action = [&] { return ccs::cli::RunQuery(options, query, std::cout, std::cerr); };
  }
  if (!action) {  // `get` without a resource
    std::cerr << "ccsctl get: say what to list: groups, sessions, buffers, nodes or ops\n";
    return ccs::cli::kExitUsage;
  }
  options.timeout = std::chrono::milliseconds(std::llround(timeout_s * 1000));
  options.watch_interval = std::chrono::milliseconds(std::llround(interval_s * 1000));
  ccs::cli::ParseOutputFormat(output, options.output);

  try {
    return action();
  } catch (const ccs::Error& e) {
    std::cerr << "ccsctl: " << e.what() << '\n';
    return ccs::cli::ExitCodeFor(e.code());
  } catch (const std::exception& e) {
    std::cerr << "ccsctl: " << e.what() << '\n';
    return ccs::cli::kExitError;
  }
}
