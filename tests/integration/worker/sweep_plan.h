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
#include "worker/collective_reference.h"

namespace ccs::it {

struct SweepOptions {
  uint32_t world = 1;
  std::vector<uint64_t> counts = {0, 1, 1001};
  // 0: no large cases. Otherwise one more count per dtype (not uint32,
  // uint64 or float8 unless `dtypes` names them: chunking depends on the
  // element size only) with at least this many bytes of input per rank.
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

struct SweepCase : CollectiveCase {
  // "17 reduce_scatter float16 avg count=1001 in_place root=1".
  std::string Name() const;
};

// The same list on every rank; ids are consecutive from 0.
std::vector<SweepCase> BuildCases(const SweepOptions& options);

// Input values of one case for every rank, and the reference result.
// Layout, counts and where results go: CollectiveReference.
class Reference : public CollectiveReference {
 public:
  Reference(const SweepCase& c, uint32_t world, uint32_t rank);

  // Value of rank `r`'s logical input element `i`.
  int64_t Value(uint32_t r, uint64_t i) const;

 private:
  void PutInputs(uint8_t* image, uint64_t at, uint32_t src, uint64_t first,
                 uint64_t n) const override;
  void PutReduced(uint8_t* image, uint64_t at, uint64_t first, uint64_t n) const override;

  uint64_t seed_;
};

}  // namespace ccs::it
