// Which path runs a device all-reduce: the daemon's own kernels (one-shot or
// two-shot), NCCL, or the host engine through device<->host copies. Pure
// function of what the caller knows about the op and the node; no CUDA.
#pragma once

#include <cstdint>
#include <string_view>

namespace ccs::cuda {

enum class Algorithm : uint8_t { kOneShot, kTwoShot, kNccl, kHostStaged };
std::string_view AlgorithmName(Algorithm a);  // "one_shot", "two_shot", ...

// Configurable (config options cuda_one_shot_max_bytes and
// cuda_two_shot_max_bytes). Bytes are per rank.
struct AlgorithmThresholds {
  // One-shot up to this size on 2-4 GPUs; on 5-8 GPUs up to half of it
  // (every GPU reads every peer's whole buffer, so its traffic grows with N).
  uint64_t one_shot_max_bytes = uint64_t{512} << 10;
  // Two-shot up to this size; above it NCCL when NCCL can run the group
  // (its ring/tree pipelines win on large messages), else two-shot still.
  uint64_t two_shot_max_bytes = uint64_t{8} << 20;
};

// What the caller knows about one all-reduce.
struct AllReduceSituation {
  uint64_t bytes = 0;            // per rank
  uint32_t ranks = 0;            // in the group
  uint32_t gpus = 0;             // distinct GPUs holding the group's local ranks
  bool all_ranks_local = false;  // every rank on this node
  // Every pair of those GPUs passed the daemon's startup P2P check
  // (irrelevant with one GPU).
  bool p2p_verified = false;
  bool dtype_supported = false;  // float32, float16, bfloat16
  bool op_supported = false;     // sum
  bool in_place = false;         // some rank's output is its input
  // NCCL loaded and no two ranks of the group share a GPU (NCCL refuses
  // that).
  bool nccl_possible = false;
};

struct AlgorithmChoice {
  Algorithm algorithm = Algorithm::kHostStaged;
  std::string_view reason;  // static text for logs and tests
};

// Rules, in order:
// 1. The kernels need all ranks local, a supported dtype and op, at most
//    kernels::kMaxRanks ranks on at most kernels::kMaxParticipants GPUs, and
//    verified P2P when there are several GPUs. Otherwise: NCCL if possible,
//    else host-staged.
// 2. One GPU (several processes sharing it, which NCCL cannot serve):
//    one-shot at every size.
// 3. Several GPUs: one-shot up to the one-shot limit unless in place
//    (one-shot cannot run in place across GPUs); two-shot up to
//    two_shot_max_bytes; above that NCCL if possible, else two-shot.
AlgorithmChoice SelectAllReduce(const AllReduceSituation& s,
                                const AlgorithmThresholds& t);

}  // namespace ccs::cuda
