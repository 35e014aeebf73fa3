// NetnsLab: separate network stacks for the nodes of a test. Each node gets
// a network namespace with one veth into a "switch" namespace holding a
// bridge (so the host's own firewall never sees the traffic); node k has
// address 10.213.0.<k+1>/24. The destructor removes every namespace and link
// it made, also when the test failed. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN).
#pragma once

#include <string>
#include <vector>

namespace ccs::it {

class NetnsLab {
 public:
  // Throws std::runtime_error with the failing command's output.
  explicit NetnsLab(size_t nodes);
  ~NetnsLab();
  NetnsLab(const NetnsLab&) = delete;
  NetnsLab& operator=(const NetnsLab&) = delete;

  // Empty when this process can make namespaces; otherwise why not (for a
  // test to report as skipped).
  static std::string Unavailable();

  const std::string& ns(size_t k) const { return ns_.at(k); }
  std::string address(size_t k) const { return "10.213.0." + std::to_string(k + 1); }
  // {"ip", "netns", "exec", ns(k)}: a command prefix running inside node k.
  std::vector<std::string> Exec(size_t k) const;
  // Takes node k's link down: its packets stop, no connection is reset.
  void Cut(size_t k);

 private:
  std::string tag_;
  std::string switch_ns_;
  std::vector<std::string> ns_;
};

}  // namespace ccs::it
