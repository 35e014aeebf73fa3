// RemoteStore: the Store of the rendezvous root, reached over gRPC
// (ccs.v1.StoreService) from any other daemon. No protobuf type appears in
// this header; callers see only the Store interface.
#pragma once

#include <chrono>
#include <memory>

#include "daemon/rendezvous/address.h"
#include "daemon/rendezvous/store.h"

namespace ccs::rendezvous {

struct RemoteStoreOptions {
  // The gRPC deadline of every call except Wait.
  std::chrono::milliseconds call_timeout{10'000};
  // Wait asks the server to wait until its deadline; the client's own gRPC
  // deadline is that deadline plus this margin, so the server's answer (which
  // names the missing keys) normally arrives first.
  std::chrono::milliseconds wait_margin{2'000};
  // A Wait with a farther deadline is split into server waits this long
  // (the server caps one wait at 24 hours).
  std::chrono::milliseconds max_wait_per_call{std::chrono::hours(1)};
};

// A Store whose calls go to the StoreService at `address`. Creating it never
// blocks or fails: the channel connects lazily and every call waits for the
// connection within its own deadline, so a root that starts a little later is
// still found (reconnect backoff is capped at one second). Thread-safe.
//
// Errors keep the server's code and message, prefixed with the address. A
// call that gets no answer within its deadline fails with UNAVAILABLE saying
// the root could not be reached and naming the address, so that
// DEADLINE_EXCEEDED from Wait always means "these keys are still missing".
std::unique_ptr<Store> MakeRemoteStore(const RendezvousAddress& address,
                                       RemoteStoreOptions options = {});

}  // namespace ccs::rendezvous
