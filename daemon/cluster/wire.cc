#include "daemon/cluster/wire.h"

#include <charconv>
#include <sstream>
#include <vector>

namespace ccs::cluster {
namespace {

template <typename T>
bool ParseNumber(const std::string& text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string EncodeRecord(const RankRecord& r) {
  return r.node + "\n" + r.peer_address + "\n" + std::to_string(r.pid) + "\n" +
         std::to_string(r.session_id) + "\n" + (r.gpu_named ? "gpu" : "-");
}

std::optional<RankRecord> DecodeRecord(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) parts.push_back(line);
  RankRecord r;
  if (parts.size() != 5 || !ParseNumber(parts[2], &r.pid) ||
      !ParseNumber(parts[3], &r.session_id) || (parts[4] != "gpu" && parts[4] != "-")) {
    return std::nullopt;
  }
  r.gpu_named = parts[4] == "gpu";
  r.node = parts[0];
  r.peer_address = parts[1];
  return r;
}

std::string EncodeStatus(const Status& s) {
  if (s.ok()) return "ok";
  return std::to_string(static_cast<int>(s.code())) + "\n" + std::string(s.message());
}

Status DecodeStatus(const std::string& text) {
  if (text == "ok") return Status::Ok();
  const auto nl = text.find('\n');
  int code = 0;
  if (nl == std::string::npos || !ParseNumber(text.substr(0, nl), &code) || code <= 0 ||
      code > 16) {
    return Internal("unreadable status in the rendezvous store: '" + text + "'");
  }
  return Status(static_cast<StatusCode>(code), text.substr(nl + 1));
}

}  // namespace ccs::cluster
