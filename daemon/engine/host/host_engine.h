// The host engine: collectives over memory this process can address (the
// daemon's shared-memory mappings of the ranks on this node).
//
// Create it with MakeHostEngine (engine.h); callers only see Engine. What the
// host engine adds to the Engine contract:
// - Plans are checked structurally first (see CheckPlan in plan_check.h):
//   Execute returns INVALID_ARGUMENT, touching no memory, for a plan that
//   would make it read or write outside the buffers it names, including
//   in_count / out_count smaller than what the kind touches and kRecv.
// - In-place layouts (NCCL's): all_reduce, reduce, broadcast and all_to_all
//   with in == out; all_gather(_v) and gather (root) with `in` at the rank's
//   own block of `out`; reduce_scatter(_v) with in == out (then `out` is the
//   whole input buffer and the rank's result goes to its own block; `out`
//   pointing at that block inside `in` works too); scatter with the root's
//   in == out (its block stays in place; `out` at that block also works).
//   all_to_all_v with in == out and identical send and receive layouts runs
//   in place; inputs overlapping outputs in any other way are first staged
//   through engine-owned scratch memory. Any mix of in-place and
//   out-of-place ranks is fine.
//   Buffers of different ranks must not overlap.
// - Elements may be at any alignment.
// - Execute is thread-safe and never allocates on the heap for ops that
//   need no staging (all_to_all(_v) keeps per-calling-thread offset tables
//   that grow to the largest group seen). An op whose largest per-rank
//   buffer exceeds parallel_threshold_bytes is split into up to `threads`
//   parts (none under half the threshold per rank) that the calling thread
//   runs together with the engine's threads - 1 workers; the caller never
//   waits for a busy worker, it runs unclaimed parts itself.
// - Status other than OK is INVALID_ARGUMENT (bad plan) or
//   RESOURCE_EXHAUSTED (no memory to stage an in-place all_to_all_v); in
//   both cases no output was written.
#pragma once

#include "daemon/engine/engine.h"
