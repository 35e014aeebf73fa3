#include "daemon/meta/object_header.h"

#include <charconv>

namespace ccs::meta {
namespace {

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string_view ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kBroadcast:
      return "broadcast_object";
    case ObjectKind::kAllGather:
      return "all_gather_object";
    case ObjectKind::kScatter:
      return "scatter_object";
    case ObjectKind::kSend:
      return "send_object";
    case ObjectKind::kRecv:
      return "recv_object";
  }
  return "object_op";
}

std::string EncodeHeader(const ObjectHeader& h) {
  std::string text =
      std::to_string(static_cast<int>(h.kind)) + " " + std::to_string(h.root) + " ";
  for (size_t i = 0; i < h.sizes.size(); ++i) {
    text += (i ? "," : "") + std::to_string(h.sizes[i]);
  }
  return text;
}

std::optional<ObjectHeader> DecodeHeader(std::string_view text) {
  const size_t a = text.find(' ');
  const size_t b = a == std::string_view::npos ? a : text.find(' ', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  int kind = 0;
  ObjectHeader h;
  if (!ParseNumber(text.substr(0, a), &kind) || kind < 0 ||
      kind > static_cast<int>(ObjectKind::kRecv) ||
      !ParseNumber(text.substr(a + 1, b - a - 1), &h.root)) {
    return std::nullopt;
  }
  h.kind = static_cast<ObjectKind>(kind);
  std::string_view rest = text.substr(b + 1);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    uint64_t size = 0;
    if (!ParseNumber(rest.substr(0, comma), &size)) return std::nullopt;
    h.sizes.push_back(size);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
    if (rest.empty()) return std::nullopt;
  }
  return h;
}

std::string DescribeObjectCall(const ObjectHeader& h) {
  std::string name(ObjectKindName(h.kind));
  if (h.kind == ObjectKind::kBroadcast || h.kind == ObjectKind::kScatter) {
    name += "(root " + std::to_string(h.root) + ")";
  }
  return name;
}

std::string ObjectMismatch(const ObjectHeader& a, uint32_t ra, const ObjectHeader& b,
                           uint32_t rb) {
  if (a.kind == b.kind && a.root == b.root) return "";
  return "rank " + std::to_string(ra) + " called " + DescribeObjectCall(a) +
         " but rank " + std::to_string(rb) + " called " + DescribeObjectCall(b);
}

uint64_t TotalBytes(const std::vector<uint64_t>& sizes) {
  uint64_t total = 0;
  for (uint64_t s : sizes) total = s > UINT64_MAX - total ? UINT64_MAX : total + s;
  return total;
}

}  // namespace ccs::meta
