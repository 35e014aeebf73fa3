// The daemon's own intra-node all-reduce over IPC-mapped device buffers: a
// host API free of CUDA types (plain pointers; a stream is a cudaStream_t
// passed as void*).
//
// Model. The daemon holds every rank's input and output in its own address
// space (CUDA IPC mappings, unified addressing). One all-reduce is one kernel
// launch per *participant*, that is per GPU that holds at least one of the
// group's ranks; each launch writes the result into every output of the
// ranks on its GPU. Several client processes sharing one GPU are one
// participant (no cross-GPU synchronisation at all); ranks on P GPUs are P
// launches, one on each GPU's stream, that meet at barriers through flags in
// each participant's signal block (peer writes over P2P).
//
// Algorithms (both produce, for every element i, the same bits on every
// rank: sum over ranks in order 0..N-1, 16-bit floats accumulated in float32
// and rounded once, to nearest even):
// - one-shot: every participant reads all N inputs and reduces. Barrier
//   before (inputs ready) and after (no input is reused while a peer still
//   reads it). Not safe in place across GPUs (a participant would overwrite
//   an input a peer still reads): with num_participants > 1 no output may
//   alias an input (checked).
// - two-shot: participant p reduces shard p of all inputs and writes it into
//   its outputs (reduce-scatter); barrier; it then copies every other shard
//   from the owning participant's first output (all-gather); barrier. Safe in
//   place.
//
// Launch order contract: all participants of one op must launch with the
// same count, dtype, algorithm and participant order, and every GPU must
// launch the ops that share a signal block in the same order (the per-GPU
// workers' deterministic order). A signal block serves one fixed set of
// participants (one group); it starts zeroed and must not be used by two
// launches on one GPU at once.
#pragma once

#include <cstddef>
#include <cstdint>

#include "daemon/core/status.h"

namespace ccs::kernels {

// Element types the kernels reduce.
enum class ArDtype : uint8_t { kFloat32, kFloat16, kBfloat16 };
size_t ArDtypeSize(ArDtype t);

enum class ArAlgorithm : uint8_t { kOneShot, kTwoShot };

inline constexpr uint32_t kMaxRanks = 16;         // inputs of one op
inline constexpr uint32_t kMaxLocalOutputs = 16;  // outputs of one participant
inline constexpr uint32_t kMaxParticipants = 8;   // GPUs of one op
inline constexpr uint32_t kMaxBlocks = 32;        // CUDA blocks per launch
inline constexpr uint32_t kThreadsPerBlock = 512;

// Bytes of one participant's signal block (device memory, zeroed once at
// allocation; see AllocateSignal).
inline constexpr size_t kSignalBytes =
    sizeof(uint64_t) * kMaxBlocks * (1 + kMaxParticipants);

// One participant's launch. Pointers are device addresses valid on the
// launching GPU (peers' through P2P). Arrays are read during the call only.
struct AllReduceLaunch {
  ArDtype dtype = ArDtype::kFloat32;
  uint64_t count = 0;  // elements per rank
  // Every rank's input, in rank order (the accumulation order).
  const void* const* inputs = nullptr;
  uint32_t num_inputs = 0;
  // The outputs of this participant's ranks.
  void* const* outputs = nullptr;
  uint32_t num_outputs = 0;
  // Per participant, in participant order: its signal block and its first
  // output (two-shot reads the other shards there).
  void* const* signals = nullptr;
  const void* const* participant_outputs = nullptr;
  uint32_t num_participants = 0;
  uint32_t self = 0;  // this launch's index among the participants
  // Move 16-byte packs. Decided once per op over every rank's input and
  // output (CanVectorize), so that all participants plan the same grid.
  bool vectorise = false;
};

// Grid of one launch; every participant of an op computes the same one.
struct GridPlan {
  uint32_t blocks = 0;
  uint32_t threads = 0;
  uint32_t elems_per_pack = 0;  // 16 bytes worth when vectorised, else 1
  uint64_t packs = 0;           // packs per rank
};

// GPU-free checks and planning (kernels/launch_plan.cc, built everywhere).
//
// INVALID_ARGUMENT naming the field when a launch is malformed: counts
// outside 1..kMax*, self >= participants, a null pointer, or (one-shot with
// several participants) an output equal to an input, or vectorise with a
// pointer that is not 16-byte aligned.
Status ValidateLaunch(const AllReduceLaunch& launch, ArAlgorithm algorithm);
// True when every pointer is 16-byte aligned and count*size is a multiple
// of 16. Pass every rank's input and output of the op.
bool CanVectorize(uint64_t count, ArDtype dtype, const void* const* pointers,
                  size_t num_pointers);
GridPlan PlanGrid(uint64_t count, ArDtype dtype, bool vectorise,
                  uint32_t num_participants, ArAlgorithm algorithm);

// CUDA side (kernels/custom_all_reduce.cu, built only with CUDA).
//
// Enqueues the launch on `stream` (a cudaStream_t of the participant's GPU,
// which must be current). Returns at enqueue. The grid comes from PlanGrid,
// the pack width from CanVectorize. Errors: INVALID_ARGUMENT from
// ValidateLaunch; INTERNAL naming the CUDA error of the launch.
Status LaunchAllReduce(const AllReduceLaunch& launch, ArAlgorithm algorithm,
                       void* stream);
// Allocates and zeroes one signal block on `device` (an ordinal of this
// process). INTERNAL / RESOURCE_EXHAUSTED naming the CUDA error.
StatusOr<void*> AllocateSignal(int device);
void FreeSignal(int device, void* signal);

}  // namespace ccs::kernels
