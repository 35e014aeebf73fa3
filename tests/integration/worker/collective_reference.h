// What the collective sweep of ccs-test-rank and the GPU collectives test
// (tests/gpu/collectives) share: a case's shape, each rank's buffer layout
// per collective (NCCL's, with the in-place variants where NCCL puts them,
// see proto/ccs/v1/collective.proto), the *_v and all_to_all_v counts, and
// where the op must write which ranks' inputs or their reduction. A test
// derives from CollectiveReference and supplies its input values and their
// encoding (PutInputs, PutReduced). Pure functions and const objects:
// thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ccs/types.h"

namespace ccs::it {

// One collective call of a test's case list.
struct CollectiveCase {
  uint64_t id = 0;  // index in the list; seeds the inputs
  CollectiveKind kind = CollectiveKind::kBarrier;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint64_t count = 0;  // the call's count (v kinds: the base of the counts)
  bool in_place = false;
  uint32_t root = 0;  // rooted kinds
};

bool IsReductionKind(CollectiveKind k);
bool IsRootedKind(CollectiveKind k);

// A 64-bit mix of x (splitmix64's finaliser).
uint64_t Mix(uint64_t x);

// One step of the reduction `op` in the accumulator's type (avg: the sum;
// the caller divides).
template <typename T>
T ReduceStep(ReduceOp op, T acc, T v) {
  switch (op) {
    case ReduceOp::kSum:
    case ReduceOp::kAvg:
      return acc + v;
    case ReduceOp::kProd:
      return acc * v;
    case ReduceOp::kMin:
      return std::min(acc, v);
    case ReduceOp::kMax:
      return std::max(acc, v);
  }
  return acc;
}

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

// One rank's view of one case: its layout, and the reference result, which
// every rank computes on its own (each knows every rank's input).
class CollectiveReference {
 public:
  virtual ~CollectiveReference() = default;

  const Layout& layout() const { return layout_; }
  // Writes this rank's input (layout().input_elems elements) at dst.
  void WriteInput(uint8_t* dst) const;
  // `image` holds the recv region as it was before the op (with the input in
  // place where the call reads it there); overwrites every element the op
  // must write with its expected value. Elements the op must not write (e.g.
  // a non-root's recv of reduce) keep what they held.
  void WriteExpected(uint8_t* image) const;

  // Per-rank counts of the *_v kinds (counts[r]) and all_to_all_v matrix
  // (elements rank i sends to rank j).
  std::vector<uint64_t> VCounts() const;
  uint64_t A2aCount(uint32_t i, uint32_t j) const;
  std::vector<uint64_t> A2aSendCounts() const;
  std::vector<uint64_t> A2aRecvCounts() const;

 protected:
  CollectiveReference(const CollectiveCase& c, uint32_t world, uint32_t rank);

  // image[at + k] = input element first + k of rank src, for k < n.
  virtual void PutInputs(uint8_t* image, uint64_t at, uint32_t src, uint64_t first,
                         uint64_t n) const = 0;
  // image[at + k] = the reduction over ranks of element first + k, for k < n.
  virtual void PutReduced(uint8_t* image, uint64_t at, uint64_t first,
                          uint64_t n) const = 0;

  CollectiveCase c_;
  uint32_t n_;     // world size
  uint32_t rank_;  // this rank
  size_t elem_;    // bytes per element
  // Barrier and recv: no regions, pass_send stays true (the worker passes
  // an empty send view and checks its guards; a test may clear it).
  Layout layout_;

 private:
  Layout ComputeLayout() const;
};

}  // namespace ccs::it
