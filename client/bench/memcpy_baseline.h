// This machine's memcpy bandwidth: the ceiling a one-pass host collective
// is measured against.
#pragma once

#include <cstdint>

namespace ccs::bench {

struct MemcpyBandwidth {
  uint64_t bytes = 0;             // copied per memcpy
  unsigned threads = 0;           // of the all-core measurement
  double single_thread_gbps = 0;  // bytes copied per second / 1e9
  double all_cores_gbps = 0;
};

// Copies `bytes` between two freshly touched buffers, first with one thread,
// then split across every hardware thread; each for at least ~0.2 s. Starts
// and joins its own threads (safe to call before fork()).
MemcpyBandwidth MeasureMemcpy(uint64_t bytes);

}  // namespace ccs::bench
