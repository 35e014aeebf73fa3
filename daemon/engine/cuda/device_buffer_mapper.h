// DeviceBufferMapper: turns a client's device buffer registration
// (DeviceBufferDesc) into a mapping in the daemon's address space.
//
// It validates the range against the allocation, finds the GPU by UUID among
// the devices this daemon sees, and maps the allocation through an
// IpcMappingCache: one open per (device UUID, allocation), shared by every
// buffer that points into it, one reference per registered buffer held for
// its session. The reference is dropped when the returned DeviceMapping is
// destroyed (the buffer was unregistered or its session ended).
//
// GPU-free: the IpcOpener decides what "open" means (cuda_ipc_opener.* in a
// CUDA build, FakeIpcOpener in unit tests). Thread-safe (the cache's lock).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/device_buffer.h"
#include "daemon/engine/cuda/device_id.h"
#include "daemon/engine/cuda/ipc_mapping_cache.h"
#include "daemon/engine/cuda/ipc_opener.h"

namespace ccs::cuda {

// One registered device range as mapped here. `data` is the start of the
// registered range (allocation base + alloc_offset), `size` its bytes.
struct DeviceMapping {
  std::byte* data = nullptr;
  uint64_t size = 0;
  LocalDevice device;
  int32_t index = -1;  // of `device` in devices(): the engines' GPU index
};

class DeviceBufferMapper {
 public:
  // `devices`: the GPUs this daemon sees (DiscoverDevices).
  DeviceBufferMapper(std::unique_ptr<IpcOpener> opener, std::vector<LocalDevice> devices);
  DeviceBufferMapper(const DeviceBufferMapper&) = delete;
  DeviceBufferMapper& operator=(const DeviceBufferMapper&) = delete;

  // Maps `desc` for `session`. INVALID_ARGUMENT for a range outside its
  // allocation (ValidateDeviceBuffer) or an allocation already mapped with
  // another size; NOT_FOUND naming the UUID and the daemon's devices for a
  // GPU it does not see; otherwise the opener's error. The mapping holds one
  // reference until destroyed; it must not outlive this mapper.
  StatusOr<std::shared_ptr<const DeviceMapping>> Map(uint64_t session,
                                                     const DeviceBufferDesc& desc);

  const std::vector<LocalDevice>& devices() const { return devices_; }
  size_t mapped() const { return cache_.mapped(); }  // allocations open now
  // Until every released allocation is closed (IpcMappingCache::WaitClosed).
  bool WaitClosed(std::chrono::steady_clock::time_point deadline) const {
    return cache_.WaitClosed(deadline);
  }

 private:
  std::unique_ptr<IpcOpener> opener_;
  std::vector<LocalDevice> devices_;
  IpcMappingCache cache_;  // after opener_: closes through it
};

}  // namespace ccs::cuda
