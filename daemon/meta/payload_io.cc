#include "daemon/meta/payload_io.h"

#include <charconv>

namespace ccs::meta {

uint64_t ChunkCount(uint64_t bytes) { return (bytes + kChunkBytes - 1) / kChunkBytes; }

Status PutPayload(rendezvous::Store& store, const ChunkKey& key, std::string_view payload,
                  rendezvous::Store::Ttl ttl) {
  const uint64_t chunks = ChunkCount(payload.size());
  for (uint64_t i = 0; i < chunks; ++i) {
    RETURN_IF_ERROR(store.Set(key(i), payload.substr(i * kChunkBytes, kChunkBytes), ttl));
  }
  return Status::Ok();
}

StatusOr<std::string> GetPayload(rendezvous::Store& store, const ChunkKey& key,
                                 uint64_t bytes) {
  std::string payload;
  payload.reserve(bytes);
  const uint64_t chunks = ChunkCount(bytes);
  for (uint64_t i = 0; i < chunks; ++i) {
    StatusOr<std::string> chunk = store.Get(key(i));
    const uint64_t want = std::min(kChunkBytes, bytes - i * kChunkBytes);
    if (!chunk.ok() && chunk.status().code() != StatusCode::kNotFound)
      return chunk.status();
    if (!chunk.ok() || chunk.value().size() != want) {
      return Status(StatusCode::kAborted, "object payload chunk '" + key(i) + "' is " +
                                              (chunk.ok() ? "of the wrong length"
                                                          : "gone (expired or deleted)"));
    }
    payload += chunk.value();
  }
  return payload;
}

void DeletePayload(rendezvous::Store& store, const ChunkKey& key, uint64_t bytes) {
  const uint64_t chunks = ChunkCount(bytes);
  for (uint64_t i = 0; i < chunks; ++i) (void)store.Delete(key(i));
}

StatusOr<int64_t> IncrementWithTtl(rendezvous::Store& store, const std::string& key,
                                   rendezvous::Store::Ttl ttl) {
  std::string expected;  // absent
  for (;;) {
    int64_t value = 0;
    if (!expected.empty()) {
      auto [end, ec] =
          std::from_chars(expected.data(), expected.data() + expected.size(), value);
      if (ec != std::errc() || end != expected.data() + expected.size()) {
        return FailedPrecondition("counter '" + key + "' holds '" + expected +
                                  "', not a number");
      }
    }
    const std::string desired = std::to_string(value + 1);
    ASSIGN_OR_RETURN(rendezvous::Store::CasResult r,
                     store.CompareAndSet(key, expected, desired, ttl));
    if (r.swapped) return value + 1;
    expected = r.current;
  }
}

}  // namespace ccs::meta
