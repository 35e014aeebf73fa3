#include "client/cli/format.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace ccs::cli {
namespace {

// One decimal, dropped when it is zero: 1.5 -> "1.5", 64.0 -> "64".
std::string OneDecimal(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  std::string s = text;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

}  // namespace

std::string FormatDuration(uint64_t ms) {
  constexpr uint64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute,
                     kDay = 24 * kHour;
  if (ms < kSecond) return std::to_string(ms) + "ms";
  if (ms < kMinute) return OneDecimal(static_cast<double>(ms) / kSecond) + "s";
  if (ms < kHour) {
    return std::to_string(ms / kMinute) + "m" + std::to_string(ms % kMinute / kSecond) +
           "s";
  }
  if (ms < kDay) {
    return std::to_string(ms / kHour) + "h" + std::to_string(ms % kHour / kMinute) + "m";
  }
  return std::to_string(ms / kDay) + "d" + std::to_string(ms % kDay / kHour) + "h";
}

std::string FormatMicros(uint64_t us) {
  if (us < 1000) return std::to_string(us) + "us";
  if (us < 1000 * 1000) return OneDecimal(static_cast<double>(us) / 1000) + "ms";
  return FormatDuration(us / 1000);
}

std::string FormatBytes(uint64_t bytes) {
  constexpr std::array<const char*, 6> kUnits{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  return OneDecimal(value) + kUnits[unit];
}

std::string FormatRanks(std::vector<uint32_t> ranks) {
  if (ranks.empty()) return "-";
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  std::string out;
  for (size_t i = 0; i < ranks.size();) {
    size_t j = i;
    while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += std::to_string(ranks[i]);
    if (j > i) out += "-" + std::to_string(ranks[j]);
    i = j + 1;
  }
  return out;
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

}  // namespace ccs::cli
