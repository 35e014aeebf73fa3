// The test's own use of CUDA: is there a device, and plain device memory on
// GPU 0 with synchronous copies. Every failing CUDA call throws
// std::runtime_error naming the call and CUDA's error string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ccs::gputest {

// "" when GPU 0 is usable (cudaGetDeviceCount > 0 and cudaSetDevice(0)
// works); otherwise why not. Initialises CUDA in this process: call it in a
// process that does not fork afterwards (exec is fine).
std::string NoDeviceReason();

// `bytes` of cudaMalloc'ed memory on GPU 0, freed on destruction. Copies
// are synchronous with respect to the host (they complete before
// returning, also for the DMA of pageable memory). Not thread-safe.
class DeviceRegion {
 public:
  explicit DeviceRegion(size_t bytes);
  ~DeviceRegion();
  DeviceRegion(const DeviceRegion&) = delete;
  DeviceRegion& operator=(const DeviceRegion&) = delete;

  void* data() const { return data_; }
  size_t size() const { return size_; }
  void Upload(size_t offset, const void* host, size_t bytes);
  void Download(size_t offset, void* host, size_t bytes) const;

 private:
  void* data_ = nullptr;
  size_t size_;
};

// Waits for everything a collective enqueued on this process's legacy
// default stream, then for the whole device: after it, results are in
// device memory.
void WaitForDevice();

}  // namespace ccs::gputest
