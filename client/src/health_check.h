// grpc.health.v1 Check without generated health stubs.
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "ccs/inspector.h"

namespace ccs::rpc {

// Calls /grpc.health.v1.Health/Check for `service` ("" = the whole server)
// with a deadline of `timeout`. Returns nullopt when the server does not
// serve the health service (UNIMPLEMENTED); throws Error for any other failed
// call (NOT_FOUND: the server does not know `service`).
std::optional<HealthStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                        std::chrono::milliseconds timeout,
                                        const std::string& service);

}  // namespace ccs::rpc
