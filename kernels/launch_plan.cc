// GPU-free half of the custom all-reduce host API: launch validation and the
// grid every participant of an op must agree on.
#include <algorithm>
#include <string>

#include "kernels/custom_all_reduce.h"

namespace ccs::kernels {
namespace {

constexpr uintptr_t kPackBytes = 16;

Status CheckRange(const char* what, uint32_t n, uint32_t max) {
  if (n >= 1 && n <= max) return Status::Ok();
  return InvalidArgument(std::string("custom all-reduce: ") + what + " is " +
                         std::to_string(n) + ", must be 1.." + std::to_string(max));
}

Status CheckPointers(const char* what, const void* const* p, uint32_t n, bool aligned) {
  if (p == nullptr) {
    return InvalidArgument(std::string("custom all-reduce: ") + what + " array is null");
  }
  for (uint32_t i = 0; i < n; ++i) {
    std::string name = std::string(what) + "[" + std::to_string(i) + "]";
    if (p[i] == nullptr)
      return InvalidArgument("custom all-reduce: " + name + " is null");
    if (aligned && reinterpret_cast<uintptr_t>(p[i]) % kPackBytes != 0) {
      return InvalidArgument("custom all-reduce: " + name +
                             " is not 16-byte aligned but the launch is vectorised");
    }
  }
  return Status::Ok();
}

// One-shot across GPUs reads every input while peers write their outputs:
// no output may be an input.
Status CheckNoAliasing(const AllReduceLaunch& l) {
  for (uint32_t o = 0; o < l.num_outputs; ++o) {
    for (uint32_t i = 0; i < l.num_inputs; ++i) {
      if (l.outputs[o] == l.inputs[i]) {
        return InvalidArgument("custom all-reduce: one-shot across " +
                               std::to_string(l.num_participants) +
                               " GPUs cannot run in place (outputs[" + std::to_string(o) +
                               "] is inputs[" + std::to_string(i) + "]); use two-shot");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

size_t ArDtypeSize(ArDtype t) { return t == ArDtype::kFloat32 ? 4 : 2; }

Status ValidateLaunch(const AllReduceLaunch& l, ArAlgorithm algorithm) {
  RETURN_IF_ERROR(CheckRange("num_inputs", l.num_inputs, kMaxRanks));
  RETURN_IF_ERROR(CheckRange("num_outputs", l.num_outputs, kMaxLocalOutputs));
  RETURN_IF_ERROR(CheckRange("num_participants", l.num_participants, kMaxParticipants));
  if (l.self >= l.num_participants) {
    return InvalidArgument("custom all-reduce: self " + std::to_string(l.self) +
                           " is not below num_participants " +
                           std::to_string(l.num_participants));
  }
  if (l.vectorise && (l.count * ArDtypeSize(l.dtype)) % kPackBytes != 0) {
    return InvalidArgument("custom all-reduce: vectorised launch of " +
                           std::to_string(l.count) +
                           " elements is not whole 16-byte packs");
  }
  RETURN_IF_ERROR(CheckPointers("inputs", l.inputs, l.num_inputs, l.vectorise));
  RETURN_IF_ERROR(CheckPointers("outputs", l.outputs, l.num_outputs, l.vectorise));
  RETURN_IF_ERROR(CheckPointers("signals", l.signals, l.num_participants, false));
  RETURN_IF_ERROR(CheckPointers("participant_outputs", l.participant_outputs,
                                l.num_participants, l.vectorise));
  if (algorithm == ArAlgorithm::kOneShot && l.num_participants > 1) {
    RETURN_IF_ERROR(CheckNoAliasing(l));
  }
  return Status::Ok();
}

bool CanVectorize(uint64_t count, ArDtype dtype, const void* const* pointers,
                  size_t num_pointers) {
  if ((count * ArDtypeSize(dtype)) % kPackBytes != 0) return false;
  for (size_t i = 0; i < num_pointers; ++i) {
    if (reinterpret_cast<uintptr_t>(pointers[i]) % kPackBytes != 0) return false;
  }
  return true;
}

GridPlan PlanGrid(uint64_t count, ArDtype dtype, bool vectorise,
                  uint32_t num_participants, ArAlgorithm algorithm) {
  GridPlan plan;
  plan.threads = kThreadsPerBlock;
  plan.elems_per_pack =
      vectorise ? static_cast<uint32_t>(kPackBytes / ArDtypeSize(dtype)) : 1;
  plan.packs = count / plan.elems_per_pack;
  uint64_t work = plan.packs;
  if (algorithm == ArAlgorithm::kTwoShot && num_participants > 1) {
    work = (plan.packs + num_participants - 1) / num_participants;  // one shard
  }
  uint64_t blocks = (work + plan.threads - 1) / plan.threads;
  plan.blocks = static_cast<uint32_t>(std::clamp<uint64_t>(blocks, 1, kMaxBlocks));
  return plan;
}

}  // namespace ccs::kernels
