// RendezvousAddress: where the rendezvous root serves its store, as named by
// `--rendezvous ccs://HOST:PORT`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/core/status.h"

namespace ccs::rendezvous {

struct RendezvousAddress {
  // A host name, an IPv4 address, or an IPv6 address without brackets.
  std::string host;
  uint16_t port = 0;

  // "ccs://host:port" ("ccs://[v6]:port" for IPv6), the form Parse accepts.
  std::string ToString() const;
  // "host:port" ("[v6]:port" for IPv6), the target a gRPC channel takes.
  std::string GrpcTarget() const;
};

// Parses "ccs://HOST:PORT": HOST is a host name (letters, digits, '-', '.',
// '_'), a dotted IPv4 address or a bracketed IPv6 address; PORT is a decimal
// 1..65535. Nothing may follow the port. INVALID_ARGUMENT naming the text,
// the expected form and what is wrong with it.
StatusOr<RendezvousAddress> ParseRendezvousAddress(std::string_view text);

}  // namespace ccs::rendezvous
