// The cases of the GPU collectives test: every collective through the
// daemon on device buffers, in place and out of place, from one element to
// a few MiB (odd counts included). The same list on every rank.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ccs/types.h"
#include "worker/collective_reference.h"

namespace ccs::gputest {

// id (index in the list; seeds the inputs), kind, dtype, op, count (v
// kinds: the base of the counts), in_place, root (rooted kinds): the
// integration worker's case (tests/integration/worker/collective_reference.h).
using Case = it::CollectiveCase;

// "all_reduce/sum float16 count=1023 in_place" ("reduce/max ... root=1").
std::string Name(const Case& c);

// Every case for `world` ranks. all_reduce runs float32, float16, bfloat16,
// int32, int64 and uint8 (sum on all; prod/min/max/avg on some); every other
// collective runs float32. Send (a ring of send/recv pairs) has no in-place
// variant; barrier runs once per count slot as a plain call.
std::vector<Case> BuildCases(uint32_t world);

}  // namespace ccs::gputest
