// The cases of the GPU collectives test: every collective through the
// daemon on device buffers, in place and out of place, from one element to
// a few MiB (odd counts included). The same list on every rank.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ccs/types.h"

namespace ccs::gputest {

struct Case {
  uint64_t id = 0;  // index in the list; seeds the inputs
  CollectiveKind kind = CollectiveKind::kBarrier;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint64_t count = 0;  // the call's count (v kinds: the base of the counts)
  bool in_place = false;
  uint32_t root = 0;  // rooted kinds
};

// "all_reduce/sum float16 count=1023 in_place" ("reduce/max ... root=1").
std::string Name(const Case& c);

bool IsReduction(CollectiveKind kind);
bool IsRooted(CollectiveKind kind);

// Every case for `world` ranks. all_reduce runs float32, float16, bfloat16,
// int32, int64 and uint8 (sum on all; prod/min/max/avg on some); every other
// collective runs float32. Send (a ring of send/recv pairs) has no in-place
// variant; barrier runs once per count slot as a plain call.
std::vector<Case> BuildCases(uint32_t world);

}  // namespace ccs::gputest
