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
using ccs::cli::Resource;

// Adds `get groups|sessions|buffers`; singular names are aliases.
void AddGet(CLI::App& app, const GlobalOptions& options, std::function<int()>& action) {
  CLI::App* get = app.add_subcommand("get", "List groups, sessions or buffers");
  // Checked after parsing, to name the resources in the error.
  get->require_subcommand(0, 1);
  const std::vector<std::tuple<std::string, std::string, Resource>> resources = {
      {"groups", "group", Resource::kGroups},
      {"sessions", "session", Resource::kSessions},
      {"buffers", "buffer", Resource::kBuffers},
  };
  for (const auto& [name, alias, resource] : resources) {
    get->add_subcommand(name, "List " + name)
        ->alias(alias)
        ->callback([&options, &action, resource = resource] {
          action = [&options, resource] {
            return ccs::cli::RunGet(options, resource, std::cout);
          };
        });
  }
}

// Adds `describe group NAME`.
void AddDescribe(CLI::App& app, const GlobalOptions& options, std::string& group_name,
                 std::function<int()>& action) {
  CLI::App* describe = app.add_subcommand("describe", "Show one object in detail");
  describe->require_subcommand(1);
  CLI::App* group = describe->add_subcommand(
      "group",
      "A group's state, members, and every in-flight op with the ranks it waits for");
  group->alias("groups");
  group->add_option("name", group_name, "Group name")->required();
  group->callback([&] {
    action = [&] { return ccs::cli::RunDescribeGroup(options, group_name, std::cout); };
  });
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
  std::string group_name;
  std::string health_service = "overall";
  std::function<int()> action;

  CLI::App app{"ccsctl: inspect the ccsd daemon of this node", "ccsctl"};
  app.footer(ccs::cli::kExitCodesHelp);
  app.fallthrough();  // global options may follow the subcommand
  app.require_subcommand(1);
  app.add_option("--addr", options.address,
                 "Daemon address: unix:///path, /path, or host:port")
      ->capture_default_str();
  std::string output = "table";
  app.add_option("-o,--output", output, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", timeout_s,
                 "Seconds to wait for the daemon (connection and each call)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  AddGet(app, options, action);
  AddDescribe(app, options, group_name, action);
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
  if (!action) {  // `get` without a resource
    std::cerr << "ccsctl get: say what to list: groups, sessions or buffers\n";
    return ccs::cli::kExitUsage;
  }
  options.timeout = std::chrono::milliseconds(std::llround(timeout_s * 1000));
  options.output =
      output == "json" ? ccs::cli::OutputFormat::kJson : ccs::cli::OutputFormat::kTable;

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
