// StreamTable: the client streams each session registered for stream order
// (BufferService.RegisterStream). One registration pairs the client's IPC
// event (opened here once) with an interprocess event the daemon creates
// once and exports; collectives on the stream then only look the pair up.
//
// Lifetime: a registration ends at Unregister or DropSession, but its events
// stay open while any StreamEvents::keepalive from Lookup is held (an op
// still using them on the GPU), and are released when the last one goes,
// on the thread that drops it. Keepalives may outlive the table.
//
// GPU-free: the IpcEventOpener decides what opening means. Thread-safe (one
// mutex; the opener is called under it only by Register).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_buffer.h"
#include "daemon/engine/cuda/device_id.h"
#include "daemon/engine/cuda/ipc_event_opener.h"

namespace ccs::cuda {

// What an op on a registered stream needs: the GPU (index into devices()),
// the client's event to wait on (`ready`) and the daemon's event to record
// (`done`), as opaque cudaEvent_t, and what keeps both open.
struct StreamEvents {
  uint32_t gpu = 0;
  void* ready = nullptr;
  void* done = nullptr;
  std::shared_ptr<const void> keepalive;
};

// The answer to a registration: the stream's id (never 0) and the daemon's
// event for the client to open.
struct RegisteredStream {
  uint64_t stream_id = 0;
  IpcEventDesc daemon_event;
};

class StreamTable {
 public:
  // Registered streams one session may hold at once.
  static constexpr size_t kMaxStreamsPerSession = 64;

  // `devices`: the GPUs this daemon sees, in the order of
  // DeviceBufferMapper::devices() (StreamEvents::gpu indexes both).
  StreamTable(std::shared_ptr<IpcEventOpener> opener, std::vector<LocalDevice> devices);
  StreamTable(const StreamTable&) = delete;
  StreamTable& operator=(const StreamTable&) = delete;

  // Opens `client_event` and creates the daemon's event on its GPU.
  // INVALID_ARGUMENT for an all-zero handle or UUID; NOT_FOUND naming the
  // UUID for a GPU this daemon does not see; RESOURCE_EXHAUSTED naming the
  // limit when the session holds kMaxStreamsPerSession; else the opener's
  // error (nothing is held then).
  StatusOr<RegisteredStream> Register(uint64_t session, const IpcEventDesc& client_event);
  // NOT_FOUND naming the stream unless `session` registered it and it is
  // still registered.
  StatusOr<StreamEvents> Lookup(uint64_t session, uint64_t stream_id) const;
  // Ends one registration; NOT_FOUND like Lookup.
  Status Unregister(uint64_t session, uint64_t stream_id);
  // Ends every registration of `session` (the session ended).
  void DropSession(uint64_t session);

  const std::vector<LocalDevice>& devices() const { return devices_; }
  size_t registered() const;  // all sessions

 private:
  struct Entry;

  std::shared_ptr<IpcEventOpener> opener_;
  const std::vector<LocalDevice> devices_;
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  // session -> stream id -> its events (shared with keepalives).
  std::map<uint64_t, std::map<uint64_t, std::shared_ptr<const Entry>>> sessions_;
};

}  // namespace ccs::cuda
