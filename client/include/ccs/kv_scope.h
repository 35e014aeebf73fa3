// The key-value scope of one group epoch (the metadata plane's store view).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccs {

class ClientImpl;

// Keys private to one group epoch, shared by its ranks on every node; gone
// with the epoch (forming the name again starts an empty scope). Keys are
// UTF-8 strings of 1 to 1024 bytes; values are opaque bytes of at most
// min(ccsd's max_object_bytes, 512 KiB) (RESOURCE_EXHAUSTED past it). A ttl
// of 0 means no expiry; with a ttl the key vanishes that long after it was
// set. Every method throws ccs::Error with the daemon's code (ABORTED once
// the group is BROKEN). Thread-safe; valid while its Group is alive.
class KvScope {
 public:
  // Stores `value` under `key`, replacing any value and expiry.
  void Set(const std::string& key, const std::string& value,
           std::chrono::milliseconds ttl = std::chrono::milliseconds(0));
  // The value of `key`; throws NOT_FOUND when it is not set (or expired).
  std::string Get(const std::string& key);
  // Like Get, but nullopt instead of NOT_FOUND.
  std::optional<std::string> TryGet(const std::string& key);
  // Blocks until every key exists; throws DEADLINE_EXCEEDED naming the keys
  // still missing after `timeout` (0: ccsd's op_timeout_ms).
  void Wait(const std::vector<std::string>& keys,
            std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // Adds `delta` to the decimal counter at `key` (absent: 0) and returns the
  // new value; FAILED_PRECONDITION when the key holds something else.
  int64_t Add(const std::string& key, int64_t delta);
  // Sets `key` to `desired` if it holds `expected` (empty: the key must not
  // exist). Returns whether it did; `current`, if given, receives the value
  // after the call (empty when absent).
  bool CompareAndSet(const std::string& key, const std::string& expected,
                     const std::string& desired,
                     std::chrono::milliseconds ttl = std::chrono::milliseconds(0),
                     std::string* current = nullptr);
  // Removes `key`; returns whether it existed.
  bool Delete(const std::string& key);

 private:
  friend class Group;
  KvScope(ClientImpl* client, uint64_t group_id) : client_(client), group_id_(group_id) {}

  ClientImpl* client_;
  uint64_t group_id_;
};

}  // namespace ccs
