// The metadata-plane scenarios of ccs-test-rank (object collectives and the
// group's KV scope), on the public SDK only.
//
// `objects`: joins, then runs every object op with every byte verified
// (broadcast_object from every root, one payload of --big-bytes spanning
// several store chunks and one empty; all_gather_object with uneven and
// empty payloads; scatter_object; send/recv_object around a ring, two in a
// row; barrier; the KV scope: set/wait/get, add, compare_and_set with one
// winner, ttl expiry observed, delete, NOT_FOUND, a wait naming the key
// never set), and with --limit-bytes L (the daemon's max_object_bytes)
// checks RESOURCE_EXHAUSTED for L+1 bytes on rank 0 and that the ranks stay
// in step afterwards. One RESULT line per
// step; "OBJECTS OK" at the end when every step passed.
//
// `object-call`: joins and makes one object call (--op broadcast|all_gather|
// scatter|send|recv, --root R, --peer P, --bytes B, --timeout-ms T), printing
// RESULT step=object; then --hold keeps the process a member.
#pragma once

#include "worker/args.h"

namespace ccs::it {

int RunObjects(const Args& args);
int RunObjectCall(const Args& args);

}  // namespace ccs::it
