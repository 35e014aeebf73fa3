#include "daemon/engine/host/part_slicing.h"

#include <algorithm>
#include <cstring>

namespace ccs::host {
namespace {

constexpr uint64_t kCopyAlignBytes = 64;

}  // namespace

Range SliceOf(uint64_t len, size_t part, size_t parts, uint64_t align) {
  if (parts <= 1) return {0, len};
  const uint64_t units = len / align + (len % align != 0 ? 1 : 0);
  const uint64_t base = units / parts;
  const uint64_t extra = units % parts;
  const uint64_t first = part * base + std::min<uint64_t>(part, extra);
  const uint64_t count = base + (part < extra ? 1 : 0);
  return {std::min(first * align, len), std::min((first + count) * align, len)};
}

void CopySlice(std::byte* dst, const std::byte* src, uint64_t bytes, size_t part,
               size_t parts) {
  if (dst == src) return;
  const Range r = SliceOf(bytes, part, parts, kCopyAlignBytes);
  if (r.size() > 0) std::memmove(dst + r.begin, src + r.begin, r.size());
}

}  // namespace ccs::host
