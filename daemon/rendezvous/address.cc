#include "daemon/rendezvous/address.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ccs::rendezvous {
namespace {

constexpr std::string_view kScheme = "ccs://";

Status Malformed(std::string_view text, std::string_view why) {
  return InvalidArgument("rendezvous address '" + std::string(text) + "' " +
                         std::string(why) +
                         "; expected ccs://HOST:PORT, e.g. ccs://node0:29500 or "
                         "ccs://[fd00::1]:29500");
}

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' ||
         c == '_';
}

bool IsIpv6Char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
}

}  // namespace

std::string RendezvousAddress::GrpcTarget() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string RendezvousAddress::ToString() const {
  return std::string(kScheme) + GrpcTarget();
}

StatusOr<RendezvousAddress> ParseRendezvousAddress(std::string_view text) {
  if (!text.starts_with(kScheme)) return Malformed(text, "does not start with ccs://");
  std::string_view rest = text.substr(kScheme.size());
  RendezvousAddress address;
  std::string_view port;
  if (rest.starts_with("[")) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos)
      return Malformed(text, "has no ']' after the IPv6 host");
    address.host = std::string(rest.substr(1, close - 1));
    if (address.host.empty() ||
        !std::all_of(address.host.begin(), address.host.end(), IsIpv6Char)) {
      return Malformed(text, "has an invalid IPv6 host");
    }
    rest = rest.substr(close + 1);
    if (!rest.starts_with(":")) return Malformed(text, "has no ':PORT' after the host");
    port = rest.substr(1);
  } else {
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) return Malformed(text, "has no ':PORT'");
    address.host = std::string(rest.substr(0, colon));
    if (address.host.empty()) return Malformed(text, "has an empty host");
    if (!std::all_of(address.host.begin(), address.host.end(), IsHostNameChar)) {
      return Malformed(text,
                       "has a host with characters other than letters, digits, '-', "
                       "'.' and '_' (IPv6 hosts go in brackets)");
    }
    port = rest.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size()) {
    return Malformed(text, "has a port that is not a decimal number");
  }
  if (value < 1 || value > 65535) return Malformed(text, "has a port outside 1..65535");
  address.port = static_cast<uint16_t>(value);
  return address;
}

}  // namespace ccs::rendezvous
