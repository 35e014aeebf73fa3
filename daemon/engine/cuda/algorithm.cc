#include "daemon/engine/cuda/algorithm.h"

#include "kernels/custom_all_reduce.h"

namespace ccs::cuda {
namespace {

// Why the kernels cannot run this op; empty when they can.
std::string_view KernelBlocker(const AllReduceSituation& s) {
  if (!s.all_ranks_local) return "ranks on other nodes";
  if (!s.dtype_supported) return "dtype not supported by the custom kernels";
  if (!s.op_supported) return "reduce op not supported by the custom kernels";
  if (s.ranks == 0 || s.ranks > kernels::kMaxRanks)
    return "too many ranks for the custom kernels";
  if (s.gpus == 0 || s.gpus > kernels::kMaxParticipants) {
    return "too many GPUs for the custom kernels";
  }
  if (s.gpus > 1 && !s.p2p_verified) return "P2P between the GPUs not verified";
  return {};
}

}  // namespace

std::string_view AlgorithmName(Algorithm a) {
  switch (a) {
    case Algorithm::kOneShot:
      return "one_shot";
    case Algorithm::kTwoShot:
      return "two_shot";
    case Algorithm::kNccl:
      return "nccl";
    case Algorithm::kHostStaged:
      return "host_staged";
  }
  return "?";
}

AlgorithmChoice SelectAllReduce(const AllReduceSituation& s,
                                const AlgorithmThresholds& t) {
  std::string_view blocker = KernelBlocker(s);
  if (!blocker.empty()) {
    if (s.nccl_possible) return {Algorithm::kNccl, blocker};
    return {Algorithm::kHostStaged, blocker};
  }
  if (s.gpus == 1) return {Algorithm::kOneShot, "one GPU"};
  const uint64_t one_shot_max =
      s.gpus <= 4 ? t.one_shot_max_bytes : t.one_shot_max_bytes / 2;
  if (s.bytes <= one_shot_max && !s.in_place) return {Algorithm::kOneShot, "small"};
  if (s.bytes <= t.two_shot_max_bytes) {
    return {Algorithm::kTwoShot, s.bytes <= one_shot_max ? "small, in place" : "medium"};
  }
  if (s.nccl_possible) return {Algorithm::kNccl, "large"};
  return {Algorithm::kTwoShot, "large, NCCL cannot serve the group"};
}

}  // namespace ccs::cuda
