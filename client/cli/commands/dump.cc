#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"
#include "client/cli/json_render.h"

namespace ccs::cli {

int RunDumpGroup(const GlobalOptions& options, const std::string& name,
                 std::ostream& out) {
  auto inspector = ConnectInspector(options);
  out << GroupDumpJson(inspector->DumpGroup(name)).dump(2) << '\n';
  return kExitOk;
}

}  // namespace ccs::cli
