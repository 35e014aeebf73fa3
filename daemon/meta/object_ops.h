// The object collectives of one rank over the rendezvous Store, in the
// manner of a StatelessProcessGroup: every rank publishes a header (and its
// payload chunks) for op n, waits until every rank's header exists, checks
// that all ranks made the same call, reads what it needs, and counts itself
// done; the last reader deletes op n's keys. Point-to-point sends are
// buffered in the store: send_object returns once stored, recv_object reads
// and deletes it.
//
// These functions block the calling thread (store calls and waits) until
// the op completes, `ctx.deadline` passes or `ctx.interrupted` reports a
// reason; callers run them on a worker, never on a gRPC thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/meta/object_header.h"
#include "daemon/meta/object_keys.h"
#include "daemon/rendezvous/store.h"

namespace ccs::meta {

using Clock = std::chrono::steady_clock;

// How often a wait looks at `interrupted` and the epoch's `broken` key.
inline constexpr std::chrono::milliseconds kWaitSlice{200};

struct ObjectOpContext {
  rendezvous::Store* store = nullptr;
  const MetaKeys* keys = nullptr;
  std::string group;  // for messages
  uint32_t rank = 0;
  uint32_t world = 0;
  Clock::time_point started;
  Clock::time_point deadline;
  // Every key written carries this time to live: the backstop that removes
  // what an op's readers never collected.
  rendezvous::Store::Ttl ttl{0};
  // The most bytes one op may deliver to one rank (all_gather: the sum).
  uint64_t max_bytes = 0;
  // Polled while waiting; a status ends the op with it (the group broke on
  // this node, the daemon stops). May be empty.
  std::function<std::optional<Status>()> interrupted;
  // Told (once per wait) when the epoch's `broken` key shows that another
  // node broke the group, with the reason it recorded. May be empty.
  std::function<void(const std::string& reason)> broken_elsewhere;
};

// Object collective number `n` (broadcast, all_gather or scatter) of
// ctx.rank. `payloads`: the root's one payload (broadcast), this rank's one
// payload (all_gather), the root's world payloads (scatter), else empty;
// the caller has checked their count and size. Returns the root's payload
// (broadcast), every rank's payload in rank order (all_gather) or this
// rank's part (scatter). Errors: INVALID_ARGUMENT when ranks called
// different ops at n (every rank gets the same message),
// RESOURCE_EXHAUSTED when an all_gather's total passes ctx.max_bytes,
// DEADLINE_EXCEEDED naming the ranks that never called op n, or the
// interruption's / store's status.
StatusOr<std::vector<std::string>> RunObjectCollective(const ObjectOpContext& ctx,
                                                       uint64_t n, ObjectKind kind,
                                                       uint32_t root,
                                                       std::vector<std::string> payloads);

// Stores send number `n` of channel ctx.rank -> dst. Does not wait for the
// receiver.
Status SendObject(const ObjectOpContext& ctx, uint32_t dst, uint64_t n,
                  const std::string& payload);

// Waits for send number `n` of channel src -> ctx.rank, returns its payload
// and deletes it. DEADLINE_EXCEEDED naming `src` when it never sent it.
StatusOr<std::string> RecvObject(const ObjectOpContext& ctx, uint32_t src, uint64_t n);

// Waits until every key in `keys` exists, in slices of kWaitSlice, looking
// at ctx.interrupted and the epoch's `broken` key between slices. Returns
// OK, DEADLINE_EXCEEDED (the caller names what is missing), or the reason
// the wait was interrupted.
Status WaitInterruptibly(const ObjectOpContext& ctx,
                         const std::vector<std::string>& keys);

}  // namespace ccs::meta
