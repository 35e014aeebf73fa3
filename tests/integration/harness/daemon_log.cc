#include "harness/daemon_log.h"

#include <sstream>

#include "harness/ctl.h"

namespace ccs::it {

std::string LoggedAddress(const DaemonProcess& daemon, const std::string& marker,
                          std::chrono::milliseconds timeout) {
  std::string address;
  PollUntil(
      [&] {
        const std::string log = daemon.Log();
        const size_t at = log.find(marker);
        if (at == std::string::npos) return false;
        const size_t begin = at + marker.size();
        const size_t end = log.find_first_not_of("0123456789.:[]abcdef", begin);
        address = log.substr(begin, end == std::string::npos ? end : end - begin);
        return !address.empty();
      },
      timeout);
  return address;
}

std::vector<std::string> LogLinesWith(const DaemonProcess& daemon,
                                      const std::string& needle) {
  std::vector<std::string> lines;
  std::istringstream in(daemon.Log());
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

}  // namespace ccs::it
