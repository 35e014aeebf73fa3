#include "harness/ctl.h"

#include <algorithm>
#include <cctype>
#include <thread>

namespace ccs::it {
namespace {

// "GROUP_STATE_BROKEN", "broken", "BROKEN" -> "BROKEN".
std::string NormalizeState(std::string s) {
  const std::string prefix = "GROUP_STATE_";
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (s.rfind(prefix, 0) == 0) s = s.substr(prefix.size());
  return s;
}

}  // namespace

GroupDescription DescribeGroup(const DaemonProcess& daemon, const std::string& name) {
  GroupDescription d;
  CommandResult r = daemon.Ctl({"describe", "group", name, "-o", "json"});
  if (!r.status.ok()) {
    d.error = "ccsctl describe group " + name + ": " + r.status.Describe() +
              "\nstdout: " + r.out + "\nstderr: " + r.err;
    return d;
  }
  try {
    d.json = nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    d.error = std::string("ccsctl printed no JSON (") + e.what() + "): " + r.out;
    return d;
  }
  const nlohmann::json& g = d.json.contains("group") ? d.json["group"] : d.json;
  if (g.contains("state") && g["state"].is_string()) {
    d.state = NormalizeState(g["state"].get<std::string>());
  }
  if (g.contains("broken_reason") && g["broken_reason"].is_string()) {
    d.broken_reason = g["broken_reason"].get<std::string>();
  }
  if (g.contains("joined") && g["joined"].is_number()) d.joined = g["joined"].get<int64_t>();
  d.ok = true;
  return d;
}

bool PollUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace ccs::it
