// Host buffers: POSIX shared memory shared between a client and its ccsd.
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

// A byte offset inside a registered buffer. A default-constructed view means
// "none": as the send side of a collective it selects the in-place variant.
struct BufferView {
  const HostBuffer* buffer = nullptr;
  uint64_t offset = 0;

  BufferView() = default;
  BufferView(const HostBuffer& b, uint64_t byte_offset = 0)  // NOLINT: implicit
      : buffer(&b), offset(byte_offset) {}
  explicit operator bool() const { return buffer != nullptr; }
};

// Pass as `send` to run a collective in place.
inline const BufferView kInPlace{};

}  // namespace ccs
