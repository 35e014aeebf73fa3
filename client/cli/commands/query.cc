#include <ctime>
#include <optional>
#include <thread>

#include "ccs/error.h"
#include "client/cli/commands/commands.h"
#include "client/cli/exit_codes.h"
#include "client/cli/yaml_render.h"

namespace ccs::cli {
namespace {

// "2026-11-21T12:34:56Z".
std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// One output of --watch: a stream of documents (one JSON document per
// line; YAML documents separated by ---), or a table under a time line.
void WriteWatched(OutputFormat format, const View& view, std::ostream& out) {
  switch (format) {
    case OutputFormat::kJson:
      out << view.doc.dump() << '\n';
      break;
    case OutputFormat::kYaml:
      out << "---\n" << ToYaml(view.doc);
      break;
    case OutputFormat::kTable:
    case OutputFormat::kWide:
      out << "# " << UtcNow() << '\n';
      view.text(out, format == OutputFormat::kWide);
      out << '\n';
      break;
  }
  out.flush();
}

int Watch(const GlobalOptions& options, const Query& query, std::ostream& out,
          std::ostream& err) {
  std::unique_ptr<Inspector> inspector;
  std::optional<nlohmann::json> last;
  std::string last_error;
  uint32_t shown = 0;
  for (;;) {
    try {
      if (!inspector) inspector = ConnectInspector(options);
      View view = query(*inspector);
      nlohmann::json content = StableContent(view.doc);
      if (!last || content != *last) {
        WriteWatched(options.output, view, out);
        last = std::move(content);
        last_error.clear();
        if (options.watch_limit != 0 && ++shown >= options.watch_limit) return kExitOk;
      }
    } catch (const Error& e) {
      if (e.what() != last_error) {
        err << "ccsctl: " << e.what() << " (still watching)\n";
        last_error = e.what();
        last.reset();
      }
      if (ExitCodeFor(e.code()) == kExitUnreachable) inspector.reset();
    }
    std::this_thread::sleep_for(options.watch_interval);
  }
}

}  // namespace

nlohmann::json StableContent(const nlohmann::json& doc) {
  if (doc.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : doc) out.push_back(StableContent(item));
    return out;
  }
  if (!doc.is_object()) return doc;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : doc.items()) {
    if (key == "age_ms" || key == "waiting_ms" || key == "uptime_ms" || key == "rtt_us") {
      continue;
    }
    out[key] = StableContent(value);
  }
  return out;
}

int RunQuery(const GlobalOptions& options, const Query& query, std::ostream& out,
             std::ostream& err) {
  if (options.watch) return Watch(options, query, out, err);
  auto inspector = ConnectInspector(options);
  View view = query(*inspector);
  Emit(options.output, view.doc, view.text, out);
  return kExitOk;
}

}  // namespace ccs::cli
