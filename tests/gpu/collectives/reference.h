// Where one rank's input and output of a case live, and the result every
// rank must see, computed on the host from every rank's input (each rank
// can generate any rank's input from (seed, case, rank)). Layouts follow
// proto/ccs/v1/collective.proto: NCCL's, with the in-place variants where
// NCCL puts them.
#pragma once

#include <cstdint>
#include <vector>

#include "tests/gpu/collectives/cases.h"

namespace ccs::gputest {

// Element counts of one rank's view of one case.
struct Layout {
  bool pass_send = true;     // false: the in-place variant (send = kInPlace)
  uint64_t send_elems = 0;   // send region (when pass_send)
  uint64_t recv_elems = 0;   // recv region
  uint64_t input_elems = 0;  // this rank's input
  // The input sits in the send region at 0 (pass_send), or in the recv
  // region at `input_at` (input_in_recv: in place).
  bool input_in_recv = false;
  uint64_t input_at = 0;
};

class Reference {
 public:
  // `seed` is the run's seed; the case's id is mixed in.
  Reference(const Case& c, uint32_t world, uint32_t rank, uint64_t seed);

  const Layout& layout() const { return layout_; }
  // Input element `i` of rank `r`.
  double Value(uint32_t r, uint64_t i) const;
  // Writes this rank's input (layout().input_elems elements) at dst.
  void WriteInput(uint8_t* dst) const;
  // `image` holds the recv region as poisoned before the op (with the input
  // in place where the call reads it there); overwrites every element the
  // op must write with its expected value. Elements the op must not write
  // (e.g. a non-root's recv of reduce) keep the poison.
  void WriteExpected(uint8_t* image) const;

  // *_v counts (rank r's block) and the all_to_all_v matrix (elements rank
  // i sends to rank j), as this rank passes them.
  std::vector<uint64_t> VCounts() const;
  uint64_t A2aCount(uint32_t i, uint32_t j) const;
  std::vector<uint64_t> A2aSendCounts() const;
  std::vector<uint64_t> A2aRecvCounts() const;

 private:
  Layout ComputeLayout() const;
  // image[at + k] = input k + first of rank src, for k < n.
  void PutInputs(uint8_t* image, uint64_t at, uint32_t src, uint64_t first,
                 uint64_t n) const;
  // image[at + k] = the reduction over ranks of element first + k.
  void PutReduced(uint8_t* image, uint64_t at, uint64_t first, uint64_t n) const;

  Case c_;
  uint32_t n_;
  uint32_t rank_;
  size_t elem_;
  uint64_t seed_;
  Layout layout_;
};

}  // namespace ccs::gputest
