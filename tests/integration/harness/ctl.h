// ccsctl from the drivers: `ccsctl describe group NAME -o json`, parsed.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/daemon_process.h"

namespace ccs::it {

// Result of one `ccsctl describe group NAME -o json`.
struct GroupDescription {
  bool ok = false;          // ccsctl exited 0 and printed JSON
  std::string error;        // why not, with ccsctl's output
  nlohmann::json json;      // the whole document
  std::string state;        // group.state, upper-case without prefix: "BROKEN"
  std::string broken_reason;
  int64_t joined = -1;      // group.joined
};

GroupDescription DescribeGroup(const DaemonProcess& daemon, const std::string& name);

// Polls `ready` every 20 ms until it returns true or `timeout` passes.
bool PollUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout);

}  // namespace ccs::it
