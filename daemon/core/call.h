// CollectiveCall: one rank's collective request in domain form, and the
// per-rank memory layout it implies.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/core/types.h"

namespace ccs {

struct BufferRefValue {
  uint64_t buffer_id = 0;
  uint64_t offset = 0;  // bytes
};

struct CollectiveCall {
  CollectiveKind kind = CollectiveKind::kBarrier;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint64_t count = 0;
  std::vector<uint64_t> counts;
  std::vector<uint64_t> send_counts;
  std::vector<uint64_t> recv_counts;
  uint32_t root = 0;
  uint32_t peer = 0;
  std::optional<BufferRefValue> send;  // unset: in place
  std::optional<BufferRefValue> recv;
  std::chrono::milliseconds timeout{0};  // 0: the daemon's default
  // Device ops: the registered stream the op is ordered on (see
  // stream_order.h); 0: none.
  uint64_t stream_id = 0;
};

// Where one rank's input and output lie, in elements.
struct RankLayout {
  bool needs_in = false;
  bool needs_out = false;
  uint64_t in_count = 0;
  uint64_t out_count = 0;
  // In-place calls read the input from the recv buffer: input at
  // `in_offset`, output at `out_offset`, `recv_extent` elements in all.
  uint64_t in_offset = 0;
  uint64_t out_offset = 0;
  uint64_t recv_extent = 0;
};

// The layout of `call` for `rank` of `world` ranks, after checking what one
// rank alone can get wrong (root/peer/rank ranges, per-rank count arrays of
// the wrong length, byte sizes that overflow, missing buffers). Errors are
// INVALID_ARGUMENT and say which field is wrong.
StatusOr<RankLayout> ComputeLayout(const CollectiveCall& call, uint32_t rank,
                                   uint32_t world);

// "all_reduce(count=1024, dtype=float32, op=sum)": what a rank called, for
// error messages and inspection.
std::string DescribeCall(const CollectiveCall& call);

// Empty if `a` (rank ra) and `b` (rank rb) may be the same op N of a group;
// otherwise a sentence naming both ranks and what each called.
std::string MismatchBetween(const CollectiveCall& a, uint32_t ra,
                            const CollectiveCall& b, uint32_t rb);

}  // namespace ccs
