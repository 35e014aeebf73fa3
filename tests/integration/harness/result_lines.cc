#include "harness/result_lines.h"

#include <cctype>
#include <regex>
#include <sstream>

namespace ccs::it {

std::vector<ResultLine> ParseResultLines(const std::string& output) {
  std::vector<ResultLine> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("RESULT ", 0) != 0) continue;
    ResultLine parsed;
    size_t pos = 7;
    while (pos < line.size()) {
      size_t eq = line.find('=', pos);
      if (eq == std::string::npos) break;
      std::string key = line.substr(pos, eq - pos);
      if (key == "message") {
        parsed[key] = line.substr(eq + 1);
        break;
      }
      size_t end = line.find(' ', eq);
      if (end == std::string::npos) end = line.size();
      parsed[key] = line.substr(eq + 1, end - eq - 1);
      pos = end + 1;
    }
    lines.push_back(std::move(parsed));
  }
  return lines;
}

ResultLine FindStep(const std::string& output, const std::string& step) {
  for (auto& line : ParseResultLines(output)) {
    if (Get(line, "step") == step) return line;
  }
  return {};
}

std::string Get(const ResultLine& line, const std::string& key) {
  auto it = line.find(key);
  return it == line.end() ? "" : it->second;
}

int64_t GetInt(const ResultLine& line, const std::string& key, int64_t fallback) {
  std::string v = Get(line, key);
  if (v.empty()) return fallback;
  try {
    size_t used = 0;
    int64_t n = std::stoll(v, &used);
    return used == v.size() ? n : fallback;
  } catch (...) {
    return fallback;
  }
}

bool MentionsRank(const std::string& message, uint32_t rank) {
  // "rank" or "ranks", up to 3 separators, then a list of numbers containing
  // `rank` as a whole number.
  const std::regex re(
      "ranks?\\W{0,3}((\\d+)\\W{1,3}){0,64}?" + std::to_string(rank) + "(?!\\d)",
      std::regex::icase | std::regex::ECMAScript);
  return std::regex_search(message, re);
}

bool MentionsNumber(const std::string& text, int64_t number) {
  const std::string n = std::to_string(number);
  for (size_t pos = text.find(n); pos != std::string::npos; pos = text.find(n, pos + 1)) {
    bool left_ok = pos == 0 || !std::isdigit(static_cast<unsigned char>(text[pos - 1]));
    size_t end = pos + n.size();
    bool right_ok =
        end == text.size() || !std::isdigit(static_cast<unsigned char>(text[end]));
    if (left_ok && right_ok) return true;
  }
  return false;
}

}  // namespace ccs::it
