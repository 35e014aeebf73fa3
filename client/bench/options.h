// ccs-bench's settings, as parsed from its command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "ccs/types.h"

namespace ccs::bench {

// Where the ranks' send and recv buffers live.
enum class MemoryKind {
  kHost,    // shared memory (CreateHostBuffer)
  kDevice,  // cudaMalloc on GPU 0 (RegisterDeviceBuffer); CUDA builds only
};

struct BenchOptions {
  // Daemons the ranks connect to, in rank-block order (client/bench/
  // daemon_spread.h); ranks is a multiple of their number.
  std::vector<std::string> addresses;
  uint32_t ranks = 4;
  std::vector<CollectiveKind> collectives{CollectiveKind::kAllReduce};
  uint64_t min_bytes = 8;
  uint64_t max_bytes = uint64_t{64} << 20;
  uint64_t step_factor = 2;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint32_t root = 0;
  int warmup_iters = 5;
  int iters = 20;
  bool check = false;
  bool memcpy_baseline = false;
  bool gloo_baseline = false;
  // Run only the baselines: no ccs rank, no daemon.
  bool baseline_only = false;
  MemoryKind memory = MemoryKind::kHost;
  // --memory device: the NCCL library the single-rank baseline dlopens.
  std::string nccl_library = "libnccl.so.2";
  std::string group;
  // For the whole run; the ranks are stopped when it passes.
  std::chrono::seconds deadline{1800};
};

}  // namespace ccs::bench
