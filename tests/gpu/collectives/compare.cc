#include "tests/gpu/collectives/compare.h"

#include <cstring>

#include "worker/dtype_codec.h"

namespace ccs::gputest {

std::optional<Mismatch> Compare(const RegionShape& s,
                                const std::vector<uint8_t>& expected,
                                const std::vector<uint8_t>& got) {
  if (expected.size() == got.size() &&
      std::memcmp(expected.data(), got.data(), got.size()) == 0) {
    return std::nullopt;
  }
  Mismatch m;
  if (expected.size() != got.size()) {
    m.where =
        "size " + std::to_string(got.size()) + " vs " + std::to_string(expected.size());
    m.bad_slots = 1;
    return m;
  }
  const size_t elem = DataTypeSize(s.dtype);
  const uint64_t begin = s.view_offset, end = s.view_offset + s.view_bytes;
  // Element slots: the view's elements, and elem-sized slots of the guards.
  auto slot_of = [&](uint64_t b) {
    return b >= begin ? begin + (b - begin) / elem * elem : b / elem * elem;
  };
  bool first = true;
  for (uint64_t b = 0; b < got.size();) {
    const uint64_t slot = slot_of(b);
    const uint64_t slot_end = std::min<uint64_t>(slot + elem, got.size());
    const uint64_t len = slot_end - slot;
    if (std::memcmp(&got[slot], &expected[slot], len) != 0) {
      ++m.bad_slots;
      if (first) {
        first = false;
        if (slot < begin) {
          m.where = "guard byte " + std::to_string(begin - slot) + " before the view";
        } else if (slot >= end) {
          m.where = "guard byte " + std::to_string(slot - end) + " past the view";
        } else {
          m.where = "index " + std::to_string((slot - begin) / elem) + " of " +
                    std::to_string(s.view_bytes / elem);
        }
        if (len == elem) {
          m.expected = it::DecodeForDisplay(s.dtype, &expected[slot]);
          m.got = it::DecodeForDisplay(s.dtype, &got[slot]);
        }
      }
    }
    b = slot_end;
  }
  return m;
}

}  // namespace ccs::gputest
