#include "daemon/meta/payload_io.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "daemon/rendezvous/memory_store.h"

namespace ccs::meta {
namespace {

using rendezvous::MemoryStore;
using rendezvous::Store;

ChunkKey Keys(const std::string& prefix) {
  return [prefix](uint64_t c) { return prefix + "/" + std::to_string(c); };
}

std::string Bytes(uint64_t n) {
  std::string s(n, '\0');
  for (uint64_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 13 + (i >> 9)) & 0xff);
  return s;
}

}  // namespace

TEST_CASE("payloads of any size round-trip through store chunks", "[meta]") {
  MemoryStore store;
  for (uint64_t n : {uint64_t{0}, uint64_t{1}, kChunkBytes - 1, kChunkBytes,
                     kChunkBytes + 1, 3 * kChunkBytes + 17}) {
    INFO(n);
    const std::string payload = Bytes(n);
    const auto keys = Keys("p" + std::to_string(n));
    REQUIRE(PutPayload(store, keys, payload, Store::kNoExpiry).ok());
    CHECK(store.KeyCount() == ChunkCount(n));
    StatusOr<std::string> back = GetPayload(store, keys, n);
    REQUIRE(back.ok());
    CHECK(back.value() == payload);
    DeletePayload(store, keys, n);
    CHECK(store.KeyCount() == 0);
  }
}

TEST_CASE("a missing payload chunk is reported, naming its key", "[meta]") {
  MemoryStore store;
  const std::string payload = Bytes(2 * kChunkBytes);
  REQUIRE(PutPayload(store, Keys("x"), payload, Store::kNoExpiry).ok());
  REQUIRE(store.Delete("x/1").value());
  StatusOr<std::string> back = GetPayload(store, Keys("x"), payload.size());
  CHECK(back.status().code() == StatusCode::kAborted);
  CHECK(back.status().message().find("x/1") != std::string::npos);
}

TEST_CASE("a counter with a ttl counts every increment once, from many threads",
          "[meta]") {
  MemoryStore store;
  std::vector<std::thread> threads;
  std::vector<int64_t> seen(8);
  for (size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] {
      seen[t] = IncrementWithTtl(store, "done", std::chrono::minutes(1)).value();
    });
  }
  for (auto& t : threads) t.join();
  std::sort(seen.begin(), seen.end());
  for (size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == static_cast<int64_t>(i + 1));
  CHECK(store.Get("done").value() == "8");
  REQUIRE(store.Set("bad", "x", Store::kNoExpiry).ok());
  CHECK(IncrementWithTtl(store, "bad", Store::kNoExpiry).status().code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("a counter with a ttl expires", "[meta]") {
  MemoryStore store;
  REQUIRE(IncrementWithTtl(store, "c", std::chrono::milliseconds(50)).ok());
  // Observed, not timed: the key is gone once its ttl passed.
  REQUIRE(store.Wait({"never"}, Store::Clock::now() + std::chrono::milliseconds(100))
              .code() == StatusCode::kDeadlineExceeded);
  CHECK(store.Get("c").status().code() == StatusCode::kNotFound);
}

}  // namespace ccs::meta
