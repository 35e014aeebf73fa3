// IpcMappingCache: every device allocation a client registered, mapped once
// per (device, allocation) and shared by the buffers that point into it.
//
// CUDA lets a process open an IPC memory handle once per device, so the
// cache is also what makes a second registration of the same allocation (by
// another buffer, or another session of the same owner) work. Each mapping
// counts references per session; a mapping is closed when its last
// reference is released, by Release or by ReleaseSession when the owning
// session ends.
//
// Closing waits for the daemon's work on the device (the engine answers ops
// at enqueue), which may take long, or forever behind a stuck client
// stream. So Release never closes: it hands the mapping to the cache's own
// closer thread and returns, and the mapping stays unusable (Acquire:
// UNAVAILABLE) until it is closed. Thread-safe (one mutex; Open is called
// under it, at registration time, never on an op's path; Close is not).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
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
  // `opener` must outlive the cache. Starts the closer thread.
  explicit IpcMappingCache(IpcOpener* opener);
  // Closes whatever is still mapped or closing (waiting for the closer).
  ~IpcMappingCache();
  IpcMappingCache(const IpcMappingCache&) = delete;
  IpcMappingCache& operator=(const IpcMappingCache&) = delete;

  // Base address of `key`'s allocation on local device `ordinal`, opening it
  // on first use, plus one reference held by `session`. Errors are the
  // opener's (nothing is held then). An allocation already mapped with a
  // different size, or opened smaller than `alloc_size` as the driver
  // reports it, is INVALID_ARGUMENT (a stale or forged handle or size); one
  // still closing is UNAVAILABLE (retry once its work drained).
  StatusOr<void*> Acquire(uint64_t session, const MappingKey& key, int ordinal,
                          uint64_t alloc_size);
  // Drops one reference of `session`; at zero the mapping goes to the
  // closer. Unknown keys or sessions are ignored. Never waits for a close.
  void Release(uint64_t session, const MappingKey& key);
  // Drops every reference `session` holds (the session ended).
  void ReleaseSession(uint64_t session);
  // Blocks until no mapping is waiting to be closed, or `deadline`; true
  // when none is.
  bool WaitClosed(std::chrono::steady_clock::time_point deadline) const;

  size_t mapped() const;                             // open, not closing
  size_t closing() const;                            // handed to the closer
  uint64_t references(const MappingKey& key) const;  // all sessions

 private:
  struct Mapping {
    void* base = nullptr;
    int ordinal = -1;
    uint64_t alloc_size = 0;
    std::map<uint64_t, uint64_t> refs;  // session -> references
    bool closing = false;               // queued for (or in) Close
  };
  // Hands `it` to the closer if nothing references it any more.
  void CloseIfUnusedLocked(std::map<MappingKey, Mapping>::iterator it);
  // The closer thread: Close outside the lock, then forget the mapping.
  void CloseLoop();

  IpcOpener* const opener_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // closing_ grew, or a close ended
  std::map<MappingKey, Mapping> mappings_;
  std::deque<MappingKey> closing_;  // in order of release
  size_t in_close_ = 0;             // taken from closing_, Close running
  bool stop_ = false;
  std::thread closer_;  // last: starts after the members above exist
};

}  // namespace ccs::cuda
