#include "daemon/engine/cuda/p2p_matrix.h"

namespace ccs::cuda {

bool P2pMatrix::AllPairs(std::span<const uint32_t> set) const {
  for (uint32_t a : set) {
    for (uint32_t b : set) {
      if (!CanRead(a, b)) return false;
    }
  }
  return true;
}

std::string P2pMatrix::Describe() const {
  std::string out;
  for (uint32_t r = 0; r < gpus_; ++r) {
    out += std::to_string(r) + ":";
    for (uint32_t o = 0; o < gpus_; ++o)
      out += CanRead(r, o) ? " " + std::to_string(o) : " -";
    out += "\n";
  }
  return out;
}

}  // namespace ccs::cuda
