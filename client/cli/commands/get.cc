#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"
#include "client/cli/json_render.h"
#include "client/cli/text_render.h"

namespace ccs::cli {

std::unique_ptr<Inspector> ConnectInspector(const GlobalOptions& options) {
  return Inspector::Connect(InspectorOptions{options.address, options.timeout});
}

int RunGet(const GlobalOptions& options, Resource resource, std::ostream& out) {
  auto inspector = ConnectInspector(options);
  const bool json = options.output == OutputFormat::kJson;
  switch (resource) {
    case Resource::kGroups: {
      auto groups = inspector->ListGroups();
      if (json) {
        out << GroupListJson(groups).dump(2) << '\n';
      } else {
        PrintGroups(out, groups);
      }
      break;
    }
    case Resource::kSessions: {
      auto sessions = inspector->ListSessions();
      if (json) {
        out << SessionListJson(sessions).dump(2) << '\n';
      } else {
        PrintSessions(out, sessions);
      }
      break;
    }
    case Resource::kBuffers: {
      auto buffers = inspector->ListBuffers();
      if (json) {
        out << BufferListJson(buffers).dump(2) << '\n';
      } else {
        PrintBuffers(out, buffers);
      }
      break;
    }
  }
  return kExitOk;
}

}  // namespace ccs::cli
