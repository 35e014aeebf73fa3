// How ccsctl writes a result in the format of -o: table and wide (human
// text), json and yaml (the versioned documents of json_render.h).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>

namespace ccs::cli {

enum class OutputFormat { kTable, kWide, kJson, kYaml };

// Parses "table", "wide", "json" or "yaml"; false for anything else.
bool ParseOutputFormat(const std::string& name, OutputFormat& format);

// Writes `doc` for json and yaml, or calls `print_text(out, wide)` for
// table (wide = false) and wide (wide = true).
void Emit(OutputFormat format, const nlohmann::json& doc,
          const std::function<void(std::ostream&, bool wide)>& print_text, std::ostream& out);

}  // namespace ccs::cli
