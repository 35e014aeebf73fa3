// Test-side model of one op over a whole group: the case, every rank's host
// memory laid out as the executor resolves it (daemon/core/call.cc's
// layouts, in-place inputs inside the recv buffer), and a direct reference
// implementation of engine.h's OpPlan semantics to compare engines' and
// planners' results with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/core/types.h"
#include "daemon/engine/engine.h"

namespace ccs::cuda::testing {

struct CollectiveCase {
  CollectiveKind kind = CollectiveKind::kAllReduce;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint32_t world = 1;
  uint64_t count = 0;
  std::vector<uint64_t> counts;               // *_v except all_to_all_v
  std::vector<std::vector<uint64_t>> matrix;  // all_to_all_v: [s][r] from s to r
  uint32_t root = 0;
  uint32_t peer = 0;  // kSend: sender `root`, receiver `peer`
  bool in_place = false;

  std::string Describe() const;
};

// Every rank's memory for one op: `send` (empty when in place or unused)
// and `recv` (the in-place layout's whole extent).
struct GroupMemory {
  struct Rank {
    std::vector<std::byte> send;
    std::vector<std::byte> recv;
    bool operator==(const Rank&) const = default;
  };
  std::vector<Rank> ranks;
  bool operator==(const GroupMemory&) const = default;
};

// Buffers filled with values of the case's dtype drawn from `seed`.
GroupMemory MakeMemory(const CollectiveCase& c, uint32_t seed);
// Each group rank's RankIo into `memory` (gpu 0: "device" memory for the
// planner), as the executor would resolve it.
std::vector<RankIo> MakeIo(const CollectiveCase& c, GroupMemory& memory);
// Applies engine.h's semantics of the case to `io` (all ranks of the
// group), reading every input before writing any output.
void RunReference(const CollectiveCase& c, const std::vector<RankIo>& io);

}  // namespace ccs::cuda::testing
