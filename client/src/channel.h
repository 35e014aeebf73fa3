// Dialling ccsd: address forms, channel settings, the connection wait.
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace ccs::rpc {

// "/run/ccs/ccs.sock" -> "unix:///run/ccs/ccs.sock"; "unix:...", "host:port"
// and every other gRPC target are returned unchanged.
std::string NormalizeAddress(std::string_view address);

// Creates a channel to `address` (already normalised) with a connection of
// its own (not shared with other channels of this process, so each Client
// is one connection) and waits up to `timeout` for it to connect. Throws
// Error(UNAVAILABLE) naming the address and the last connection error.
std::shared_ptr<grpc::Channel> ConnectChannel(const std::string& address,
                                              std::chrono::milliseconds timeout);

}  // namespace ccs::rpc
