// Human formatting of ccsctl's values: durations, sizes, rank sets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ccs::cli {

// 850 -> "850ms", 12345 -> "12.3s", 303000 -> "5m3s", 7500000 -> "2h5m",
// 273600000 -> "3d4h".
std::string FormatDuration(uint64_t ms);
// 850 -> "850us", 12345 -> "12.3ms", then as FormatDuration.
std::string FormatMicros(uint64_t us);
// 512 -> "512B", 1536 -> "1.5KiB", 67108864 -> "64MiB".
std::string FormatBytes(uint64_t bytes);
// {0,1,2,5,7,8} -> "0-2,5,7-8"; {} -> "-". Input need not be sorted.
std::string FormatRanks(std::vector<uint32_t> ranks);
std::string YesNo(bool value);

}  // namespace ccs::cli
