// The collective sweep of ccs-test-rank: which cases run, where each rank's
// input and output live, and the reference result every rank computes on its
// own. Inputs are pseudo-random functions of (case, rank, index) with small
// integer values, so every rank knows every other rank's input and float
// results are exact (see Inputs::Value).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ccs/types.h"

namespace ccs::it {

struct SweepOptions {
  uint32_t world = 1;
  std::vector<uint64_t> counts = {0, 1, 1001};
  // 0: no large cases. Otherwise one more count per dtype with at least this
  // many bytes of input per rank.
  uint64_t large_bytes = 0;
  // Large cases of reductions: every op (true) or one op per (kind, dtype),
  // rotating so that every op still runs large (false).
  bool large_all_ops = false;
  // Large cases: in-place too (true) or only out-of-place (false).
  bool large_in_place = true;
  std::vector<CollectiveKind> kinds;             // empty: all
  std::vector<DataType> dtypes;                  // empty: all
  std::vector<bool> placements = {false, true};  // in_place values
};

struct SweepCase {
  uint64_t id = 0;
  CollectiveKind kind = CollectiveKind::kBarrier;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint64_t count = 0;
  bool in_place = false;
  uint32_t root = 0;

  // "17 reduce_scatter float16 avg count=1001 in_place root=1".
  std::string Name() const;
};

// The same list on every rank; ids are consecutive from 0.
std::vector<SweepCase> BuildCases(const SweepOptions& options);

// Per-rank shape of one case. Element counts are in elements of the dtype.
struct Layout {
  bool pass_send = true;     // false: the in-place variant (send = kInPlace)
  uint64_t send_elems = 0;   // send region (when pass_send)
  uint64_t recv_elems = 0;   // recv region
  uint64_t input_elems = 0;  // this rank's logical input
  // Where the input is placed before the op: in the send region at 0
  // (pass_send) or in the recv region at `input_at` (in-place).
  uint64_t input_at = 0;
  bool input_in_recv = false;
};

// Input values of one case for every rank, and the reference result.
class Reference {
 public:
  Reference(const SweepCase& c, uint32_t world, uint32_t rank);

  const Layout& layout() const { return layout_; }
  // Value of rank `r`'s logical input element `i`.
  int64_t Value(uint32_t r, uint64_t i) const;
  // Writes this rank's input (layout().input_elems elements) at dst.
  void WriteInput(uint8_t* dst) const;
  // `image` holds the recv region as it was before the op; overwrites the
  // elements the op must write with their expected values.
  void WriteExpected(uint8_t* image) const;

  // Per-rank counts of the *_v kinds (counts[r]) and all_to_all_v matrix
  // (elements rank i sends to rank j).
  std::vector<uint64_t> VCounts() const;
  uint64_t A2aCount(uint32_t i, uint32_t j) const;
  std::vector<uint64_t> A2aSendCounts() const;
  std::vector<uint64_t> A2aRecvCounts() const;

 private:
  Layout ComputeLayout() const;
  void PutInputs(uint8_t* image, uint64_t at, uint32_t src, uint64_t first,
                 uint64_t n) const;
  void PutReduced(uint8_t* image, uint64_t at, uint64_t first, uint64_t n) const;

  SweepCase c_;
  uint32_t n_;
  uint32_t rank_;
  size_t elem_;
  uint64_t seed_;
  Layout layout_;
};

}  // namespace ccs::it
