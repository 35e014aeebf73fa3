// Baselines of ccs-bench's device mode, measured on GPU 0 in a process of
// their own before the ranks start:
// (a) a device-to-device cudaMemcpyAsync of each size's per-rank bytes;
// (b) a single-rank ncclAllReduce (a world-1 communicator; NCCL loaded with
//     dlopen, so ccs-bench does not link it) of each all_reduce layout.
// Each is timed like the daemon's ops: warmup, then `iters` calls on one
// stream and one synchronize, divided by `iters`.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "client/bench/options.h"

namespace ccs::bench {

struct DeviceBaselines {
  std::map<uint64_t, double> memcpy_us;  // by bytes copied
  std::map<uint64_t, double> nccl_us;    // all_reduce, by element count
  std::string memcpy_note;               // how it ran, or why it did not
  std::string nccl_note;
};

// Forks one child that measures and reports back over a pipe, and waits
// for it (at most options.deadline). Must be called before this process
// creates any gRPC object or initialises CUDA (neither survives fork). A
// baseline that cannot run leaves its map empty and says why in its note.
DeviceBaselines MeasureDeviceBaselines(const BenchOptions& options);

// The measurement itself, in the calling process (the child above).
DeviceBaselines MeasureDeviceBaselinesHere(const BenchOptions& options);

}  // namespace ccs::bench
