// Checks a downloaded region against its expected image, element by
// element, and describes the first difference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccs/types.h"

namespace ccs::gputest {

// The view of a region: the elements at [view_offset, view_offset + bytes)
// with poisoned guard bytes around them.
struct RegionShape {
  DataType dtype = DataType::kFloat32;
  uint64_t view_offset = 0;  // bytes
  uint64_t view_bytes = 0;
};

struct Mismatch {
  uint64_t bad_slots = 0;  // differing elements (guard bytes count per element slot)
  std::string where;       // "index 17 of 1023", "guard byte 3 before the view", ...
  std::string expected;
  std::string got;
};

// nullopt when `got` equals `expected` byte for byte (same size).
std::optional<Mismatch> Compare(const RegionShape& shape,
                                const std::vector<uint8_t>& expected,
                                const std::vector<uint8_t>& got);

// The poison byte at offset `i` of a region: a pattern that no expected
// value is likely to match, and that differs from byte to byte so that a
// copy from the wrong place shows.
inline uint8_t PoisonByte(uint64_t i) {
  return static_cast<uint8_t>(0xA5u ^ ((i * 0x3Bu) & 0xFFu));
}

}  // namespace ccs::gputest
