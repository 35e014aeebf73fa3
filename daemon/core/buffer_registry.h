// BufferRegistry: buffers registered by sessions, mapped once and cached.
//
// Thread-safe. A buffer belongs to the session that registered it; no other
// session can resolve it. Per-session limits (count, mapped bytes) apply.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/core/config.h"
#include "daemon/core/mapping.h"
#include "daemon/core/session_manager.h"
#include "daemon/core/status.h"

namespace ccs {

struct BufferRecord {
  uint64_t id = 0;
  uint64_t session_id = 0;
  std::string shm_name;
  uint64_t size = 0;
  std::shared_ptr<Mapping> mapping;
};

// A validated byte range of a buffer. `keepalive` keeps it mapped.
struct ResolvedRange {
  std::byte* data = nullptr;
  std::shared_ptr<Mapping> keepalive;
};

class BufferRegistry {
 public:
  explicit BufferRegistry(const Limits& limits) : limits_(limits) {}

  // Maps the first `size` bytes of `shm_name` for `session`. Errors as
  // Mapping::OpenShm, plus RESOURCE_EXHAUSTED past the session's limits.
  StatusOr<uint64_t> RegisterShm(const Session& session, const std::string& shm_name,
                                 uint64_t size);
  // NOT_FOUND unless `buffer_id` is registered by `session_id`. In-flight ops
  // keep the memory mapped until they finish.
  Status Unregister(uint64_t session_id, uint64_t buffer_id);
  // [offset, offset + bytes) of a buffer of `session_id`: NOT_FOUND for an
  // unknown or foreign buffer, INVALID_ARGUMENT for a range past its end.
  StatusOr<ResolvedRange> Resolve(uint64_t session_id, uint64_t buffer_id,
                                  uint64_t offset, uint64_t bytes) const;
  // Releases every buffer of a session (it ended).
  void DropSession(uint64_t session_id);

  std::vector<BufferRecord> List() const;
  void SetLimits(const Limits& limits);

 private:
  mutable std::mutex mu_;
  Limits limits_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, BufferRecord> buffers_;
};

}  // namespace ccs
