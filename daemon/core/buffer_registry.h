// BufferRegistry: buffers registered by sessions, mapped once and cached.
//
// Thread-safe. A buffer belongs to the session that registered it; no other
// session can resolve it. Per-session limits (count, mapped bytes) apply to
// host and device buffers together.
//
// Host buffers are shared memory this registry maps itself. Device buffers
// are mapped by the caller (the CUDA engine's DeviceBufferMapper, through a
// callback: core knows no CUDA); the registry keeps the opaque mapping alive
// while the buffer is registered, so dropping the record releases it.
#pragma once

#include <cstdint>
#include <functional>
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

enum class BufferKind : uint8_t { kHostShm, kCudaIpc };

struct BufferRecord {
  uint64_t id = 0;
  uint64_t session_id = 0;
  BufferKind kind = BufferKind::kHostShm;
  std::string shm_name;  // host buffers
  std::string device;    // device buffers: the GPU's UUID ("GPU-...")
  uint64_t size = 0;
  std::shared_ptr<Mapping> mapping;  // host buffers
  // Device buffers: the registered range as mapped here, its GPU (an index
  // into the daemon's devices) and what keeps it mapped.
  std::byte* device_data = nullptr;
  int32_t gpu = -1;
  std::shared_ptr<const void> device_mapping;
};

// A device buffer's registered range as the CUDA engine mapped it: a device
// address valid in the daemon, the GPU's index among the daemon's devices,
// and the opaque mapping that keeps it open.
struct DeviceRange {
  std::byte* data = nullptr;
  int32_t gpu = -1;
  std::shared_ptr<const void> keepalive;
};

// Maps a device buffer once its registration passed the limits; the result
// is held until the buffer is unregistered or its session ends.
using DeviceMapFn = std::function<StatusOr<DeviceRange>()>;

// A validated byte range of a buffer. Host buffers: `keepalive` keeps the
// shared memory mapped. Device buffers: `data` is a device address on GPU
// `gpu` and `device_keepalive` keeps the IPC mapping open.
struct ResolvedRange {
  std::byte* data = nullptr;
  std::shared_ptr<Mapping> keepalive;
  int32_t gpu = -1;
  std::shared_ptr<const void> device_keepalive;
};

class BufferRegistry {
 public:
  explicit BufferRegistry(const Limits& limits) : limits_(limits) {}

  // Maps the first `size` bytes of `shm_name` for `session`. Errors as
  // Mapping::OpenShm, plus RESOURCE_EXHAUSTED past the session's limits.
  StatusOr<uint64_t> RegisterShm(const Session& session, const std::string& shm_name,
                                 uint64_t size);
  // Registers `size` bytes of device memory on GPU `device` for `session`:
  // RESOURCE_EXHAUSTED past the session's limits (then `map` is not called),
  // else `map`'s error, else the new buffer's id.
  StatusOr<uint64_t> RegisterDevice(const Session& session, const std::string& device,
                                    uint64_t size, const DeviceMapFn& map);
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
  // RESOURCE_EXHAUSTED unless `session_id` may register `size` more bytes.
  // Requires mu_.
  Status CheckLimits(uint64_t session_id, uint64_t size) const;
  // Takes mu_, checks the limits again (registrations of one session may
  // have mapped concurrently) and assigns the id.
  StatusOr<uint64_t> Insert(BufferRecord record);

  mutable std::mutex mu_;
  Limits limits_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, BufferRecord> buffers_;
};

}  // namespace ccs
