// Reading facts out of a test daemon's log: bound addresses, logged lines.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/daemon_process.h"

namespace ccs::it {

// The "host:port" right after the first occurrence of `marker` in the
// daemon's log, e.g. marker "metrics: serving Prometheus metrics on http://"
// -> "127.0.0.1:41157". Polls the log up to `timeout`; "" if it never shows.
std::string LoggedAddress(const DaemonProcess& daemon, const std::string& marker,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The lines of the daemon's log that contain `needle`.
std::vector<std::string> LogLinesWith(const DaemonProcess& daemon,
                                      const std::string& needle);

}  // namespace ccs::it
