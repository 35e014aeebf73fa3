// Payloads in the Store: a payload is split into chunks of at most
// kChunkBytes (one Store value each, well inside the embedded store's
// per-value limit and RemoteStore's gRPC message size), so an object op may
// carry more than one store value holds.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "daemon/core/status.h"
#include "daemon/rendezvous/store.h"

namespace ccs::meta {

inline constexpr uint64_t kChunkBytes = 512 * 1024;

// Chunks a payload of `bytes` occupies (0 for an empty payload).
uint64_t ChunkCount(uint64_t bytes);

// The key of chunk i of one payload.
using ChunkKey = std::function<std::string(uint64_t chunk)>;

// Stores `payload` chunk by chunk, each with `ttl`. Blocks for store calls.
Status PutPayload(rendezvous::Store& store, const ChunkKey& key, std::string_view payload,
                  rendezvous::Store::Ttl ttl);

// Reads a payload of `bytes` back. ABORTED naming the key when a chunk is
// missing (expired) or has the wrong length.
StatusOr<std::string> GetPayload(rendezvous::Store& store, const ChunkKey& key,
                                 uint64_t bytes);

// Deletes the chunks of a payload of `bytes` (best effort: errors ignored).
void DeletePayload(rendezvous::Store& store, const ChunkKey& key, uint64_t bytes);

// Atomically adds one to the decimal counter at `key` and returns the new
// value; the key keeps (or is created with) `ttl`, unlike Store::Add, so a
// counter whose readers never all arrive still expires.
StatusOr<int64_t> IncrementWithTtl(rendezvous::Store& store, const std::string& key,
                                   rendezvous::Store::Ttl ttl);

}  // namespace ccs::meta
