// Buffers a client registers with its ccsd: host buffers (POSIX shared
// memory) and device buffers (CUDA memory shared by IPC handle).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ccs {

class ClientImpl;

// A shared-memory segment mapped in this process and registered with the
// daemon. Not copyable. Destroying it unregisters it (best effort: errors are
// logged to stderr, not thrown) and unmaps it. A segment the SDK created
// (CreateHostBuffer) is unlinked as soon as the daemon has mapped it, so a
// crash leaves nothing in /dev/shm; its shm_name() is then only a label (as
// shown by `ccsctl get buffers`), not a name another process can open. A
// segment registered by name (RegisterHostBuffer) is never unlinked by the
// SDK. It must not outlive its Client. Not thread-safe to destroy while a
// collective uses it.
class HostBuffer {
 public:
  ~HostBuffer();
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;

  uint64_t id() const { return id_; }
  void* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& shm_name() const { return shm_name_; }
  template <typename T>
  T* as() const { return static_cast<T*>(data_); }

 private:
  friend class ClientImpl;
  HostBuffer(ClientImpl* client, uint64_t id, void* data, size_t size,
             std::string shm_name, bool owns_segment);

  ClientImpl* client_;
  uint64_t id_;
  void* data_;
  size_t size_;
  std::string shm_name_;
  bool owns_segment_;  // still linked and ours: unlink on destruction
};

// Device memory of this process registered with the daemon
// (Client::RegisterDeviceBuffer): the daemon maps the allocation that holds
// it by CUDA IPC handle, once per allocation. Not copyable. Destroying it
// unregisters it (best effort, like HostBuffer); free the memory only after
// that. It must not outlive its Client. data() is a device pointer.
//
// Collectives on device buffers are stream-ordered, like NCCL's: a call
// returns once the daemon has enqueued the op's work on the GPU, not when
// it is complete. That work starts after everything already enqueued on the
// Group's stream (Group::SetStream; default: the legacy default stream),
// and everything enqueued on that stream after the call runs after the op's
// results are complete. Group::Synchronize (or cudaStreamSynchronize) waits
// for them on the host. Errors found before the work is enqueued (a
// mismatched call, a timeout while ranks arrive) are thrown by the call.
class DeviceBuffer {
 public:
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  uint64_t id() const { return id_; }
  void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  friend class ClientImpl;
  DeviceBuffer(ClientImpl* client, uint64_t id, void* data, size_t size, int device);

  ClientImpl* client_;
  uint64_t id_;
  void* data_;
  size_t size_;
  int device_;  // CUDA ordinal in this process
};

// A byte offset inside a registered buffer. A default-constructed view means
// "none": as the send side of a collective it selects the in-place variant.
// At most one of `buffer` and `device_buffer` is set.
struct BufferView {
  const HostBuffer* buffer = nullptr;
  uint64_t offset = 0;
  const DeviceBuffer* device_buffer = nullptr;

  BufferView() = default;
  BufferView(const HostBuffer& b, uint64_t byte_offset = 0)  // NOLINT: implicit
      : buffer(&b), offset(byte_offset) {}
  BufferView(const DeviceBuffer& b, uint64_t byte_offset = 0)  // NOLINT: implicit
      : offset(byte_offset), device_buffer(&b) {}
  explicit operator bool() const { return buffer != nullptr || device_buffer != nullptr; }
};

// Pass as `send` to run a collective in place.
inline const BufferView kInPlace{};

}  // namespace ccs
