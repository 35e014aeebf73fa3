// P2pMatrix: which of the daemon's GPUs can really read each other, as
// verified at startup (kernels::ProbePeerAccess on every ordered pair). The
// custom all-reduce runs across a set of GPUs only when every ordered pair
// of the set passed. Pure data; thread-safe to read once filled.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ccs::cuda {

class P2pMatrix {
 public:
  explicit P2pMatrix(uint32_t gpus = 0) : gpus_(gpus), ok_(size_t{gpus} * gpus, false) {
    for (uint32_t g = 0; g < gpus; ++g) ok_[size_t{g} * gpus + g] = true;
  }
  uint32_t gpus() const { return gpus_; }
  // Records the probe of `reader` reading `owner`'s memory.
  void Set(uint32_t reader, uint32_t owner, bool ok) {
    ok_[size_t{reader} * gpus_ + owner] = ok;
  }
  bool CanRead(uint32_t reader, uint32_t owner) const {
    return reader < gpus_ && owner < gpus_ && ok_[size_t{reader} * gpus_ + owner];
  }
  // True when every GPU of `set` can read every other one (one GPU: true).
  bool AllPairs(std::span<const uint32_t> set) const;
  // One line per GPU, e.g. "0: 0 1 -" (readable owners, '-' when not), for
  // the startup log and ccsctl.
  std::string Describe() const;

 private:
  uint32_t gpus_;
  std::vector<bool> ok_;  // [reader * gpus + owner]
};

}  // namespace ccs::cuda
