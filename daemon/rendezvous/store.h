// Store: the key-value rendezvous interface under group formation, NCCL
// unique-id exchange, Gloo rendezvous and the metadata plane.
//
// Implementations: MemoryStore (embedded, in the rendezvous root daemon),
// RemoteStore (the root's store over gRPC from any other daemon), PrefixStore
// (a per-group view of another store). A replicated external store (etcd) can
// come later behind the same interface.
//
// Keys are non-empty strings; values are opaque bytes held in std::string.
// Every method is thread-safe and returns a Status naming what went wrong
// with the gRPC code that fits: INVALID_ARGUMENT for a malformed call,
// RESOURCE_EXHAUSTED past a store limit, UNAVAILABLE when a remote store
// cannot be reached or does not answer in time. No method blocks past its
// deadline (Wait) or the implementation's call timeout (the others).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/status.h"

namespace ccs::rendezvous {

class Store {
 public:
  using Clock = std::chrono::steady_clock;
  // An absolute point on the steady clock after which a wait gives up.
  using Deadline = Clock::time_point;
  // Time to live of a key; kNoExpiry means the key lives until deleted.
  using Ttl = std::chrono::milliseconds;
  static constexpr Ttl kNoExpiry{0};

  // The outcome of CompareAndSet.
  struct CasResult {
    // True when the key held `expected` (or was absent for an empty
    // `expected`) and now holds `desired`.
    bool swapped = false;
    // The key's value after the call; empty when the key does not exist.
    std::string current;
  };

  virtual ~Store() = default;

  // Stores `value` under `key`, replacing any previous value and expiry.
  // With ttl > 0 the key vanishes `ttl` after this call: Get, Wait, Add and
  // CompareAndSet then behave as if it had never been set. Wakes every Wait
  // that this completes. INVALID_ARGUMENT for an empty key or a ttl outside
  // 0 .. 10 years.
  virtual Status Set(std::string_view key, std::string_view value, Ttl ttl) = 0;

  // The value of `key`. Does not wait: NOT_FOUND naming the key when it does
  // not exist (or has expired); use Wait first to block until it does.
  virtual StatusOr<std::string> Get(std::string_view key) = 0;

  // Blocks until every key in `keys` exists at the same moment, or until
  // `deadline`. OK at once for an empty list. DEADLINE_EXCEEDED naming the
  // keys still missing at the deadline. A deadline already in the past
  // checks once and never blocks.
  virtual Status Wait(const std::vector<std::string>& keys, Deadline deadline) = 0;

  // Atomically adds `delta` to the decimal integer held by `key` and returns
  // the new value; an absent key counts as 0 and is created without expiry
  // (an existing key keeps its expiry). FAILED_PRECONDITION when the key
  // holds something other than a decimal int64; OUT_OF_RANGE on overflow.
  virtual StatusOr<int64_t> Add(std::string_view key, int64_t delta) = 0;

  // Atomically replaces the value of `key` with `desired` (with `ttl`, as in
  // Set) if it currently equals `expected`. An empty `expected` means "the
  // key must not exist" (a key holding the empty value does not match it).
  // A failed comparison is not an error: the result says swapped = false and
  // carries the current value.
  virtual StatusOr<CasResult> CompareAndSet(std::string_view key,
                                            std::string_view expected,
                                            std::string_view desired, Ttl ttl) = 0;

  // Removes `key`. Returns true if it existed (and had not expired).
  virtual StatusOr<bool> Delete(std::string_view key) = 0;
};

}  // namespace ccs::rendezvous
