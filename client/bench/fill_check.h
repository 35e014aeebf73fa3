// Deterministic data for --check: every rank's send values and the result
// every rank must see. Values are small integers chosen so that results are
// exact and compared with ==: every value and result is an integer below
// 128 (exact in int8 and bfloat16) for up to 32 ranks; only the partial sums
// of avg exceed that (ranks * (ranks + 2)), which matters for 8-bit integer
// types beyond 9 ranks if the daemon accumulates in the element type.
// float8 cannot hold all of these: its expected values are the exact ones
// rounded to the type (from inputs as stored).
#pragma once

#include <cstdint>
#include <optional>

#include "ccs/types.h"
#include "client/bench/layout.h"

namespace ccs::bench {

// What one rank's call looks like, for computing expected values.
struct CheckSpec {
  CollectiveKind kind = CollectiveKind::kAllReduce;
  ReduceOp op = ReduceOp::kSum;
  DataType dtype = DataType::kFloat32;
  uint32_t ranks = 1;
  uint32_t rank = 0;
  uint32_t root = 0;
  Layout layout;
};

// Element `index` of rank `rank`'s send buffer.
double SendValue(const CheckSpec& spec, uint32_t rank, uint64_t index);
// What element `index` of this rank's recv buffer must hold after the call,
// or nullopt where the call defines nothing (non-root ranks of reduce and
// gather).
std::optional<double> ExpectedRecv(const CheckSpec& spec, uint64_t index);

// Writes SendValue(spec, spec.rank, i) for every send element.
void FillSend(const CheckSpec& spec, void* send);
// Number of recv elements that differ from ExpectedRecv.
uint64_t CountWrong(const CheckSpec& spec, const void* recv);

}  // namespace ccs::bench
