#include "client/cli/yaml_render.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace ccs::cli {
namespace {

// Whether a plain scalar `s` would read back as something other than a
// string: empty, a number, or a YAML 1.1 bool/null word.
bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (end == s.c_str() + s.size()) return true;
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  constexpr std::array<const char*, 11> kWords = {"true", "false", "yes", "no", "on", "off",
                                                  "y",    "n",     "null", "~", ".nan"};
  return std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

void Emit(YAML::Emitter& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        Emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case nlohmann::json::value_t::array:
      if (value.empty()) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : value) Emit(out, item);
      out << YAML::EndSeq;
      break;
    case nlohmann::json::value_t::string:
      if (NeedsQuotes(value.get<std::string>())) out << YAML::DoubleQuoted;
      out << value.get<std::string>();
      break;
    case nlohmann::json::value_t::boolean:
      out << value.get<bool>();
      break;
    case nlohmann::json::value_t::number_integer:
      out << value.get<int64_t>();
      break;
    case nlohmann::json::value_t::number_unsigned:
      out << value.get<uint64_t>();
      break;
    case nlohmann::json::value_t::number_float:
      out << value.get<double>();
      break;
    default:
      out << YAML::Null;
      break;
  }
}

}  // namespace

std::string ToYaml(const nlohmann::json& doc) {
  YAML::Emitter out;
  out.SetBoolFormat(YAML::TrueFalseBool);
  out.SetNullFormat(YAML::LowerNull);
  Emit(out, doc);
  return std::string(out.c_str()) + "\n";
}

}  // namespace ccs::cli
