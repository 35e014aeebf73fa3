#include "client/cli/commands/commands.h"
#include "client/cli/json_render.h"
#include "client/cli/text_render.h"

namespace ccs::cli {
namespace {

// A view of list `items` with document `to_doc` and printer `print`.
template <typename T, typename ToDoc, typename Print>
View ListView(std::vector<T> items, ToDoc to_doc, Print print) {
  nlohmann::json doc = to_doc(items);
  return View{std::move(doc), [items = std::move(items), print](std::ostream& out, bool wide) {
                print(out, items, wide);
              }};
}

}  // namespace

std::unique_ptr<Inspector> ConnectInspector(const GlobalOptions& options) {
  return Inspector::Connect(InspectorOptions{options.address, options.timeout});
}

Query GetQuery(Resource resource) {
  switch (resource) {
    case Resource::kGroups:
      return [](Inspector& i) { return ListView(i.ListGroups(), GroupListJson, PrintGroups); };
    case Resource::kSessions:
      return [](Inspector& i) {
        return ListView(i.ListSessions(), SessionListJson, PrintSessions);
      };
    case Resource::kBuffers:
      return [](Inspector& i) { return ListView(i.ListBuffers(), BufferListJson, PrintBuffers); };
    case Resource::kNodes:
      return [](Inspector& i) { return ListView(i.ListNodes(), NodeListJson, PrintNodeList); };
    case Resource::kOps:
      return [](Inspector& i) { return ListView(i.ListOps(), OpListJson, PrintOps); };
  }
  return nullptr;
}

}  // namespace ccs::cli
