#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"
#include "client/cli/json_render.h"
#include "client/cli/yaml_render.h"

namespace ccs::cli {

int RunDumpGroup(const GlobalOptions& options, const std::string& name,
                 std::ostream& out) {
  auto inspector = ConnectInspector(options);
  nlohmann::json doc = GroupDumpJson(inspector->DumpGroup(name));
  if (options.output == OutputFormat::kYaml) {
    out << ToYaml(doc);
  } else {
    out << doc.dump(2) << '\n';
  }
  return kExitOk;
}

}  // namespace ccs::cli
