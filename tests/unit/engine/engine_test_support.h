// Test support for engines: one collective case over N simulated ranks, its
// buffers, the OpPlan pointing into them, and an independent scalar
// reference of what every byte of every buffer must hold afterwards.
//
// The reference never calls engine code: reductions are computed on int64
// values chosen so every dtype represents inputs and results exactly, and
// encoded to bytes by the test's own encoders; data movement is checked
// byte for byte against the inputs' initial bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/engine/engine.h"

namespace ccs::testing {

// One host rank's memory (the other RankIo fields at their defaults).
RankIo HostIo(const std::byte* in, std::byte* out, uint64_t in_count, uint64_t out_count);

// Where each rank's input lives relative to its output.
enum class Placement {
  kSeparate,         // in and out are distinct buffers
  kInPlace,          // NCCL in-place layout on every rank that has one
  kMixed,            // in-place on even ranks, separate on odd ones
  kInPlaceOutBlock,  // reduce_scatter(_v) / scatter root: in-place, `out`
                     // pointing at the rank's block instead of the buffer
};

struct Case {
  CollectiveKind kind = CollectiveKind::kAllReduce;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  size_t n = 1;
  uint64_t count = 0;
  Placement placement = Placement::kSeparate;
  uint32_t root = 0;
  std::string Describe() const;
};

// Whether `placement` means something different from kSeparate/kInPlace
// for `kind` (the sweep skips duplicate runs).
bool PlacementApplies(CollectiveKind kind, Placement placement);

// Writes int64 `v` as one element of `dtype` at `p`: integers wrap modulo
// 2^bits; floats must be exactly representable (small integers).
void EncodeElement(DataType dtype, int64_t v, std::byte* p);

class CaseRun {
 public:
  // Builds every rank's buffers (misaligned by r % 3 bytes, followed by
  // guard bytes), fills inputs, and computes the expected final contents.
  explicit CaseRun(const Case& c);
  CaseRun(const CaseRun&) = delete;
  CaseRun& operator=(const CaseRun&) = delete;

  const OpPlan& plan() const { return plan_; }
  // "" when every buffer (inputs, outputs, guards) holds exactly what the
  // reference says; otherwise a description of the first wrong byte.
  std::string Verify() const;

 private:
  struct Region {
    std::vector<std::byte> bytes;     // actual storage, incl. shift and guard
    std::vector<std::byte> expected;  // what `bytes` must hold afterwards
    size_t shift = 0;
    std::byte* data() { return bytes.data() + shift; }
    std::byte* want() { return expected.data() + shift; }
  };
  struct RankMem {
    Region out;
    Region in;  // unused when the rank is in place
    bool in_place = false;
    uint64_t in_elems = 0;     // input elements (0: no input)
    uint64_t in_offset = 0;    // in place: elements from buffer start to `in`
    uint64_t out_offset = 0;   // elements from buffer start to `out`
    uint64_t result_base = 0;  // elements from `out` to the rank's result
    std::vector<std::byte> initial_input;
  };

  void BuildRank(size_t r);
  void FillInputs();
  void ComputeExpected();
  std::byte* ResultWant(size_t r);  // expected bytes of r's first result
  void ExpectReduced(size_t r, uint64_t first, uint64_t len);
  void ExpectCopy(size_t r, uint64_t out_elem, size_t from, uint64_t in_elem,
                  uint64_t len);
  int64_t InputValue(size_t s, uint64_t i) const;

  Case c_;
  size_t esz_;
  std::vector<uint64_t> counts_;   // *_v: per-rank counts (packed kinds)
  std::vector<uint64_t> offsets_;  // *_v: prefix sums of counts_
  std::vector<RankMem> mem_;
  OpPlan plan_;
};

}  // namespace ccs::testing
