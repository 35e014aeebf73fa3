#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"
#include "client/cli/json_render.h"
#include "client/cli/text_render.h"

namespace ccs::cli {

int RunDescribeGroup(const GlobalOptions& options, const std::string& name,
                     std::ostream& out) {
  auto inspector = ConnectInspector(options);
  GroupDetail detail = inspector->DescribeGroup(name);
  if (options.output == OutputFormat::kJson) {
    out << GroupDetailJson(detail).dump(2) << '\n';
  } else {
    PrintGroupDetail(out, detail);
  }
  return kExitOk;
}

}  // namespace ccs::cli
