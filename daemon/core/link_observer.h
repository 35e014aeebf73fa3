// LinkObserver: how code outside the cluster module (metrics) learns about
// the traffic between this daemon and the other nodes of its groups.
#pragma once

#include <cstdint>

namespace ccs {

// One call into the network between daemons (a collective step among the
// nodes of a group, or one point-to-point transfer): the payload bytes this
// node handed to it and got from it (not bytes on the wire, which depend on
// the algorithm), how long it took, and whether it succeeded.
struct NetworkStep {
  uint64_t sent_bytes = 0;
  uint64_t received_bytes = 0;
  double seconds = 0;
  bool ok = true;
};

class LinkObserver {
 public:
  virtual ~LinkObserver() = default;
  // Called on the thread that made the step, concurrently from many
  // groups; must not block.
  virtual void OnNetworkStep(const NetworkStep& step) = 0;
};

}  // namespace ccs
