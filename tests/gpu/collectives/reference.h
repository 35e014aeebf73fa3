// One rank's view of one case: where its input and output live, and the
// result every rank must see, computed on the host from every rank's input
// (each rank can generate any rank's input from (seed, case, rank)). The
// layouts, counts and placement of results are the integration worker's
// (tests/integration/worker/collective_reference.h); this test supplies its
// own input values (values.h) and float32-accumulated reduction.
#pragma once

#include <cstdint>

#include "tests/gpu/collectives/cases.h"
#include "worker/collective_reference.h"

namespace ccs::gputest {

using it::Layout;

class Reference : public it::CollectiveReference {
 public:
  // `seed` is the run's seed; the case's id is mixed in.
  Reference(const Case& c, uint32_t world, uint32_t rank, uint64_t seed);

  // Input element `i` of rank `r`.
  double Value(uint32_t r, uint64_t i) const;

 private:
  void PutInputs(uint8_t* image, uint64_t at, uint32_t src, uint64_t first,
                 uint64_t n) const override;
  void PutReduced(uint8_t* image, uint64_t at, uint64_t first, uint64_t n) const override;

  uint64_t seed_;
};

}  // namespace ccs::gputest
