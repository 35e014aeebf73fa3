// DeviceStreams: the client side of stream order for collectives on device
// buffers (see BufferService.RegisterStream in buffer.proto). One
// registration per (device, stream) pair, made on first use and kept for
// the Client's life: the client event is created and the daemon's event
// opened once, never per op. Per call: record the client event on the
// stream, run the RPC with the stream id, and on success make the stream
// wait on the daemon's event.
//
// GPU-free: the CUDA calls go through a StreamEventApi and the RPCs through
// the two functions given at construction. Thread-safe; calls on one
// (device, stream) pair are serialised (an IPC event holds one recorded
// point at a time), calls on different pairs run concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "client/src/stream_event_api.h"

namespace ccs {

class DeviceStreams {
 public:
  // What RegisterStream answered.
  struct Registration {
    uint64_t stream_id = 0;
    std::string daemon_event_handle;  // 64 bytes
  };
  // RegisterStream(client event handle, its device UUID); throws Error.
  using RegisterFn = std::function<Registration(const std::string& handle,
                                                const std::string& device_uuid)>;
  // UnregisterStream; best effort, must not throw.
  using UnregisterFn = std::function<void(uint64_t stream_id)>;

  DeviceStreams(std::unique_ptr<StreamEventApi> api, RegisterFn register_stream,
                UnregisterFn unregister_stream);
  // Unregisters every stream and destroys its events (best effort). No call
  // may be running.
  ~DeviceStreams();
  DeviceStreams(const DeviceStreams&) = delete;
  DeviceStreams& operator=(const DeviceStreams&) = delete;

  // Runs `rpc(stream_id)` ordered on `stream` (a cudaStream_t; nullptr: the
  // legacy default stream) of device `ordinal`, registering the pair first
  // if needed; returns what `rpc` returned. Throws what the registration,
  // the CUDA calls or `rpc` throw; when `rpc` throws, the stream is not made
  // to wait.
  uint64_t Run(int ordinal, void* stream, const std::function<uint64_t(uint64_t)>& rpc);
  // Blocks until all work on `stream` is complete (cudaStreamSynchronize).
  void Synchronize(void* stream);

  size_t registered() const;

 private:
  struct Entry {
    std::mutex call_mu;  // serialises calls on this pair
    int ordinal = -1;
    uint64_t stream_id = 0;
    void* client_event = nullptr;
    void* daemon_event = nullptr;
  };
  using Key = std::pair<int, void*>;

  // The pair's entry, registered on first use.
  Entry& Get(int ordinal, void* stream);
  std::unique_ptr<Entry> Create(int ordinal);

  std::unique_ptr<StreamEventApi> api_;
  RegisterFn register_;
  UnregisterFn unregister_;
  mutable std::mutex mu_;
  std::map<Key, std::unique_ptr<Entry>> entries_;
};

}  // namespace ccs
