#include <optional>

#include "ccs/error.h"
#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"
#include "client/cli/json_render.h"
#include "client/cli/text_render.h"

namespace ccs::cli {

int RunVersion(const GlobalOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<VersionInfo> daemon;
  int code = kExitOk;
  try {
    daemon = ConnectInspector(options)->GetVersion();
  } catch (const Error& e) {
    err << "ccsctl: cannot get the daemon's version: " << e.what() << '\n';
    code = ExitCodeFor(e.code());
  }
  Emit(options.output, VersionJson(daemon),
       [&daemon](std::ostream& o, bool) { PrintVersion(o, daemon); }, out);
  return code;
}

}  // namespace ccs::cli
