// Several ccsd processes forming one cluster, each a node of its own (own
// socket dir, node name and peer port), with the first as rendezvous root.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/daemon_process.h"

namespace ccs::it {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and
// released): good enough for tests that start their listener right away.
uint16_t FreeTcpPort();

struct ClusterOptions {
  size_t nodes = 2;
  // Flags every daemon gets, e.g. {"--op-timeout-ms", "20000"}.
  std::vector<std::string> extra_args;
  // Host each node listens on for peers, per node; default 127.0.0.1 for
  // every node (then the ports differ).
  std::vector<std::string> hosts;
  // Per node: command prefix (e.g. `ip netns exec NS`); default none.
  std::vector<std::vector<std::string>> command_prefixes;
};

// Starts node 0 (the root) first, then the others; each is ready (serving
// its socket) when the constructor returns. Node k is named "n<k>". The
// destructor stops them all (see DaemonProcess).
class ClusterProcesses {
 public:
  explicit ClusterProcesses(const ClusterOptions& options);
  size_t size() const { return nodes_.size(); }
  DaemonProcess& node(size_t k) { return *nodes_.at(k); }
  const DaemonProcess& node(size_t k) const { return *nodes_.at(k); }
  const std::string& node_name(size_t k) const { return names_.at(k); }
  // "ccs://host:port" of the root.
  const std::string& rendezvous() const { return rendezvous_; }

 private:
  std::vector<std::string> names_;
  std::string rendezvous_;
  std::vector<std::unique_ptr<DaemonProcess>> nodes_;
};

}  // namespace ccs::it
