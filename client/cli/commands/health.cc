#include "ccs/error.h"
#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"
#include "client/cli/json_render.h"

namespace ccs::cli {
namespace {

void Report(const GlobalOptions& options, std::ostream& out, const std::string& address,
            bool serving, const std::string& reason) {
  if (options.output == OutputFormat::kJson) {
    out << HealthJson(address, serving, reason).dump(2) << '\n';
    return;
  }
  out << (serving ? "SERVING" : "NOT_SERVING");
  if (!reason.empty()) out << ": " << reason;
  out << '\n';
}

}  // namespace

int RunHealth(const GlobalOptions& options, std::ostream& out) {
  try {
    auto inspector = ConnectInspector(options);
    const bool serving = inspector->CheckHealth() == HealthStatus::kServing;
    Report(options, out, inspector->address(), serving,
           serving ? "" : "the daemon reports NOT_SERVING");
    return serving ? kExitOk : kExitError;
  } catch (const Error& e) {
    Report(options, out, options.address, false, e.what());
    return ExitCodeFor(e.code()) == kExitOk ? kExitError : ExitCodeFor(e.code());
  }
}

}  // namespace ccs::cli
