// Byte sizes on ccs-bench's command line: "8", "64K", "64M", "1G".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ccs::bench {

// Parses a non-negative integer with an optional binary suffix K, M or G
// (1024-based, as in nccl-tests; case-insensitive; "KB", "KiB" and a bare
// "B" are accepted too). nullopt for anything else or on overflow.
std::optional<uint64_t> ParseSize(std::string_view text);

// 64 -> "64 B", 65536 -> "64 KiB", 67108864 -> "64 MiB"; a size that is not
// a whole number of the unit keeps the smaller unit.
std::string FormatSize(uint64_t bytes);

}  // namespace ccs::bench
