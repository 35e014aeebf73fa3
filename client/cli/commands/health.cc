#include "ccs/error.h"
#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"
#include "client/cli/json_render.h"

namespace ccs::cli {
namespace {

void Report(const GlobalOptions& options, std::ostream& out, const std::string& address,
            const std::string& service, bool serving, const std::string& reason) {
  Emit(options.output, HealthJson(address, serving, reason, service),
       [&](std::ostream& o, bool) {
         o << (serving ? "SERVING" : "NOT_SERVING");
         if (!reason.empty()) o << ": " << reason;
         o << '\n';
       },
       out);
}

}  // namespace

int RunHealth(const GlobalOptions& options, HealthService service, std::ostream& out) {
  const std::string name(HealthServiceName(service));
  try {
    auto inspector = ConnectInspector(options);
    const bool serving = inspector->CheckHealth(service) == HealthStatus::kServing;
    const std::string what = name.empty() ? "the daemon" : "the daemon's " + name;
    Report(options, out, inspector->address(), name, serving,
           serving ? "" : what + " reports NOT_SERVING");
    return serving ? kExitOk : kExitError;
  } catch (const Error& e) {
    Report(options, out, options.address, name, false, e.what());
    return ExitCodeFor(e.code()) == kExitUnreachable ? kExitUnreachable : kExitError;
  }
}

}  // namespace ccs::cli
