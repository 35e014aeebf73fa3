// ccs-bench's device mode (--memory device): buffers on GPU 0 registered
// with the daemon. The header is free of CUDA types; the CUDA build
// implements it in device_memory_cuda.cc, the others in
// device_memory_none.cc (every call throws UNIMPLEMENTED).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ccs/ccs.h"

namespace ccs::bench {

// Whether this ccs-bench was built with CUDA (device mode available).
bool DeviceModeBuilt();

// `bytes` of cudaMalloc'ed memory on GPU 0, registered with a Client as one
// DeviceBuffer. Destruction unregisters, then frees; it must happen before
// the Client's. CUDA failures throw ccs::Error (FAILED_PRECONDITION naming
// the call). Copies are synchronous. Not thread-safe.
class DeviceMemory {
 public:
  static std::unique_ptr<DeviceMemory> Create(Client& client, size_t bytes);
  ~DeviceMemory();
  DeviceMemory(const DeviceMemory&) = delete;
  DeviceMemory& operator=(const DeviceMemory&) = delete;

  const DeviceBuffer& buffer() const { return *buffer_; }
  size_t size() const { return size_; }
  void Upload(const void* host, size_t bytes);
  void Download(void* host, size_t bytes) const;
  // Every byte set to `value`.
  void Fill(uint8_t value);

 private:
  DeviceMemory(void* data, size_t size) : data_(data), size_(size) {}
  void* data_;
  size_t size_;
  std::unique_ptr<DeviceBuffer> buffer_;
};

// Waits until this process's legacy default stream (where the daemon orders
// a device collective's completion for the caller) has drained.
void WaitForDevice();

}  // namespace ccs::bench
