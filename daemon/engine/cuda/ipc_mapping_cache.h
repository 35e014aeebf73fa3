// IpcMappingCache: every device allocation a client registered, mapped once
// per (device, allocation) and shared by the buffers that point into it.
//
// CUDA lets a process open an IPC memory handle once per device, so the
// cache is also what makes a second registration of the same allocation (by
// another buffer, or another session of the same owner) work. Each mapping
// counts references per session; a mapping is closed when its last
// reference is released, by Release or by ReleaseSession when the owning
// session ends. Thread-safe (one mutex; the opener is called under it, so
// opens happen at registration time, never on an op's path).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_buffer.h"
#include "daemon/engine/cuda/device_id.h"
#include "daemon/engine/cuda/ipc_opener.h"

namespace ccs::cuda {

// Names one mapped allocation.
struct MappingKey {
  DeviceUuid device;
  IpcHandleBytes handle{};
  friend auto operator<=>(const MappingKey&, const MappingKey&) = default;
};

class IpcMappingCache {
 public:
  // `opener` must outlive the cache.
  explicit IpcMappingCache(IpcOpener* opener) : opener_(opener) {}
  // Closes whatever is still mapped.
  ~IpcMappingCache();
  IpcMappingCache(const IpcMappingCache&) = delete;
  IpcMappingCache& operator=(const IpcMappingCache&) = delete;

  // Base address of `key`'s allocation on local device `ordinal`, opening it
  // on first use, plus one reference held by `session`. Errors are the
  // opener's (nothing is held then). An allocation already mapped with a
  // different size is INVALID_ARGUMENT (a stale or forged handle).
  StatusOr<void*> Acquire(uint64_t session, const MappingKey& key, int ordinal,
                          uint64_t alloc_size);
  // Drops one reference of `session`; closes the mapping at zero. Unknown
  // keys or sessions are ignored.
  void Release(uint64_t session, const MappingKey& key);
  // Drops every reference `session` holds (the session ended).
  void ReleaseSession(uint64_t session);

  size_t mapped() const;                             // allocations mapped now
  uint64_t references(const MappingKey& key) const;  // all sessions

 private:
  struct Mapping {
    void* base = nullptr;
    int ordinal = -1;
    uint64_t alloc_size = 0;
    std::map<uint64_t, uint64_t> refs;  // session -> references
  };
  // Closes and erases `it` if nothing references it any more.
  void CloseIfUnused(std::map<MappingKey, Mapping>::iterator it);

  IpcOpener* const opener_;
  mutable std::mutex mu_;
  std::map<MappingKey, Mapping> mappings_;
};

}  // namespace ccs::cuda
