// Issues one case's collective on a group, as the rank of `ref` passes it.
#pragma once

#include "ccs/ccs.h"
#include "tests/gpu/collectives/cases.h"
#include "tests/gpu/collectives/reference.h"

namespace ccs::gputest {

// Runs case `c` on `group` with the given views (send: kInPlace for the
// in-place variant). Send is a ring of send/recv pairs (to the right, from
// the left; even ranks send first, so no cycle of waits forms). Throws
// ccs::Error as the SDK does. Returns once the SDK call(s) returned: with
// device buffers the results are ordered on this process's default stream
// and may still be in flight (see WaitForDevice).
void IssueCall(Group& group, const Case& c, const Reference& ref, BufferView send,
               BufferView recv);

}  // namespace ccs::gputest
