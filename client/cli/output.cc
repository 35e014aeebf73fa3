#include "client/cli/output.h"

#include "client/cli/yaml_render.h"

namespace ccs::cli {

bool ParseOutputFormat(const std::string& name, OutputFormat& format) {
  if (name == "table") {
    format = OutputFormat::kTable;
  } else if (name == "wide") {
    format = OutputFormat::kWide;
  } else if (name == "json") {
    format = OutputFormat::kJson;
  } else if (name == "yaml") {
    format = OutputFormat::kYaml;
  } else {
    return false;
  }
  return true;
}

void Emit(OutputFormat format, const nlohmann::json& doc,
          const std::function<void(std::ostream&, bool wide)>& print_text, std::ostream& out) {
  switch (format) {
    case OutputFormat::kJson:
      out << doc.dump(2) << '\n';
      break;
    case OutputFormat::kYaml:
      out << ToYaml(doc);
      break;
    case OutputFormat::kTable:
    case OutputFormat::kWide:
      print_text(out, format == OutputFormat::kWide);
      break;
  }
}

}  // namespace ccs::cli
