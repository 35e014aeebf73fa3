#include "tests/gpu/collectives/reference.h"

#include <vector>

#include "tests/gpu/collectives/values.h"
#include "worker/dtype_codec.h"

namespace ccs::gputest {

Reference::Reference(const Case& c, uint32_t world, uint32_t rank, uint64_t seed)
    : CollectiveReference(c, world, rank), seed_(it::Mix(seed * 7919 + c.id)) {
  // Barrier (and recv) have no regions here: send is kInPlace and no send
  // region is checked.
  if (c.kind == CollectiveKind::kBarrier || c.kind == CollectiveKind::kRecv) {
    layout_.pass_send = false;
  }
}

double Reference::Value(uint32_t r, uint64_t i) const {
  return InputValue(c_.dtype, c_.op, seed_, r, i);
}

void Reference::PutInputs(uint8_t* image, uint64_t at, uint32_t src, uint64_t first,
                          uint64_t n) const {
  for (uint64_t k = 0; k < n; ++k) {
    it::EncodeDouble(c_.dtype, Value(src, first + k), image + (at + k) * elem_);
  }
}

void Reference::PutReduced(uint8_t* image, uint64_t at, uint64_t first,
                           uint64_t n) const {
  std::vector<double> inputs(n_);
  for (uint64_t k = 0; k < n; ++k) {
    for (uint32_t r = 0; r < n_; ++r) inputs[r] = Value(r, first + k);
    EncodeReduced(c_.dtype, c_.op, inputs.data(), n_, image + (at + k) * elem_);
  }
}

}  // namespace ccs::gputest
