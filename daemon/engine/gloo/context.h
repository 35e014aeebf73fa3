// MakeGlooContext: a Gloo context over the TCP transport whose ranks find
// each other through our rendezvous Store.
#pragma once

#include <gloo/context.h>

#include <chrono>
#include <memory>
#include <string>

#include "daemon/core/status.h"
#include "daemon/rendezvous/store.h"

namespace ccs::gloo_engine {

struct GlooContextOptions {
  int rank = 0;
  int size = 1;
  // The namespace of this context's keys in the store, e.g.
  // "gloo/<group>/<epoch>". Contexts that share a store need distinct
  // prefixes; ranks of one context need the same one.
  std::string store_prefix;
  // Where this rank accepts its peers' connections: a host name or address
  // (`hostname`) or a network interface name (`interface`). Exactly one.
  std::string hostname;
  std::string interface;
  // Every store wait of the rendezvous ends by `timeout` after the call
  // began; connecting to one peer may take up to `timeout` as well. Also the
  // default timeout of the context's collectives. 1 ms .. 24 h.
  std::chrono::milliseconds timeout{30'000};
};

// Creates the TCP device, publishes this rank's addresses under
// `store_prefix` and connects to every other rank. Blocks until all `size`
// ranks are connected or a deadline (see `timeout`) passes. Errors:
// INVALID_ARGUMENT for bad options; DEADLINE_EXCEEDED naming the ranks that
// never published their address; UNAVAILABLE (or DEADLINE_EXCEEDED) when a
// peer that did publish cannot be connected; the store's own error when the
// store fails. No Gloo exception escapes. Thread-safe (each call makes its
// own context); `store` is used only during the call.
StatusOr<std::shared_ptr<::gloo::Context>> MakeGlooContext(
    std::shared_ptr<rendezvous::Store> store, const GlooContextOptions& options);

}  // namespace ccs::gloo_engine
