#include "client/bench/size_parse.h"

#include <array>
#include <cctype>
#include <limits>

namespace ccs::bench {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Multiplier of a suffix, 0 when it is not one.
uint64_t SuffixMultiplier(std::string_view suffix) {
  if (suffix.empty() || EqualsIgnoreCase(suffix, "b")) return 1;
  uint64_t multiplier = 0;
  switch (std::tolower(static_cast<unsigned char>(suffix.front()))) {
    case 'k':
      multiplier = uint64_t{1} << 10;
      break;
    case 'm':
      multiplier = uint64_t{1} << 20;
      break;
    case 'g':
      multiplier = uint64_t{1} << 30;
      break;
    default:
      return 0;
  }
  std::string_view rest = suffix.substr(1);
  if (rest.empty() || EqualsIgnoreCase(rest, "b") || EqualsIgnoreCase(rest, "ib")) {
    return multiplier;
  }
  return 0;
}

}  // namespace

std::optional<uint64_t> ParseSize(std::string_view text) {
  size_t digits = 0;
  uint64_t value = 0;
  for (; digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]));
       ++digits) {
    const uint64_t digit = static_cast<uint64_t>(text[digits] - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (digits == 0) return std::nullopt;
  const uint64_t multiplier = SuffixMultiplier(text.substr(digits));
  if (multiplier == 0) return std::nullopt;
  if (value > std::numeric_limits<uint64_t>::max() / multiplier) return std::nullopt;
  return value * multiplier;
}

std::string FormatSize(uint64_t bytes) {
  constexpr std::array<const char*, 4> kUnits{"B", "KiB", "MiB", "GiB"};
  size_t unit = 0;
  while (unit + 1 < kUnits.size() && bytes >= 1024 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + " " + kUnits[unit];
}

}  // namespace ccs::bench
