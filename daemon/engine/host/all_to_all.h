// all_to_all and all_to_all_v for the host engine.
//
// Rank `from` sends block `to` of its input to rank `to`, which stores it as
// block `from` of its output. The op runs as pairwise exchanges: for each
// pair r < s the two blocks they send each other are moved together, chunk
// by chunk, through a small stack buffer when the sender's input is its own
// output (in == out with identical send and receive layouts, as in the NCCL
// in-place all_to_all). Inputs overlapping outputs in any other way must
// first be staged to separate memory (see StagedInputBytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "daemon/engine/engine.h"

namespace ccs::host {

// Offsets and lengths, in elements, of every block of one all_to_all(_v).
class AllToAllLayout {
 public:
  // all_to_all: block b of every rank at b * plan.count.
  // all_to_all_v: from the ranks' send_counts/recv_counts; the offset tables
  // (2 * N * N entries) are kept in `storage`, which must outlive the layout.
  // `plan` must have passed CheckPlan.
  AllToAllLayout(const OpPlan& plan, std::vector<uint64_t>& storage);

  uint64_t SendOffset(size_t from, size_t to) const {
    return send_offsets_ ? send_offsets_[from * n_ + to] : to * count_;
  }
  uint64_t RecvOffset(size_t to, size_t from) const {
    return recv_offsets_ ? recv_offsets_[to * n_ + from] : from * count_;
  }
  uint64_t Length(size_t from, size_t to) const {
    return send_offsets_ ? (*ranks_)[from].send_counts[to] : count_;
  }
  // Elements rank r reads / writes in all.
  uint64_t InputSize(size_t r) const;
  uint64_t OutputSize(size_t r) const;

 private:
  const std::vector<RankIo>* ranks_;
  size_t n_;
  uint64_t count_;
  const uint64_t* send_offsets_ = nullptr;  // null: uniform
  const uint64_t* recv_offsets_ = nullptr;
};

// For each rank whether its input must be staged before the exchange (its
// input overlaps its output other than as the exact in-place layout); sets
// (*staged)[r] and returns the number of elements to stage in all.
uint64_t StagedInputElems(const OpPlan& plan, const AllToAllLayout& layout,
                          std::vector<bool>* staged);

// Runs part `part` of `parts` of the exchange. `inputs[r]` is where rank r's
// input is read from (ranks[r].in, or its staged copy). Thread-safe for
// distinct parts; no heap allocation.
void RunAllToAllPart(const OpPlan& plan, const AllToAllLayout& layout,
                     const std::byte* const* inputs, size_t part, size_t parts);

}  // namespace ccs::host
