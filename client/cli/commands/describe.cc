#include "client/cli/commands/commands.h"
#include "client/cli/json_render.h"
#include "client/cli/text_render.h"

namespace ccs::cli {

Query DescribeGroupQuery(const std::string& name, bool local_only) {
  return [name, local_only](Inspector& inspector) {
    GroupDetail detail = inspector.DescribeGroup(name, local_only);
    nlohmann::json doc = GroupDetailJson(detail);
    return View{std::move(doc), [detail = std::move(detail)](std::ostream& out, bool wide) {
                  PrintGroupDetail(out, detail, wide);
                }};
  };
}

Query DescribeSessionQuery(uint64_t session_id) {
  return [session_id](Inspector& inspector) {
    SessionDetail detail = inspector.DescribeSession(session_id);
    nlohmann::json doc = SessionDetailJson(detail);
    return View{std::move(doc), [detail = std::move(detail)](std::ostream& out, bool wide) {
                  PrintSessionDetail(out, detail, wide);
                }};
  };
}

}  // namespace ccs::cli
