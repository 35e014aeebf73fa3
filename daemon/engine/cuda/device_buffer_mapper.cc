#include "daemon/engine/cuda/device_buffer_mapper.h"

#include <utility>

namespace ccs::cuda {

DeviceBufferMapper::DeviceBufferMapper(std::unique_ptr<IpcOpener> opener,
                                       std::vector<LocalDevice> devices)
    : opener_(std::move(opener)), devices_(std::move(devices)), cache_(opener_.get()) {}

StatusOr<std::shared_ptr<const DeviceMapping>> DeviceBufferMapper::Map(
    uint64_t session, const DeviceBufferDesc& desc) {
  RETURN_IF_ERROR(ValidateDeviceBuffer(desc));
  ASSIGN_OR_RETURN(LocalDevice device, FindDevice(devices_, desc.device));
  MappingKey key{desc.device, desc.mem_handle};
  ASSIGN_OR_RETURN(void* base,
                   cache_.Acquire(session, key, device.ordinal, desc.alloc_size));
  int32_t index = 0;
  while (devices_[index].uuid != device.uuid) ++index;  // FindDevice found it
  auto* mapping = new DeviceMapping{static_cast<std::byte*>(base) + desc.alloc_offset,
                                    desc.size_bytes, device, index};
  IpcMappingCache* cache = &cache_;
  return std::shared_ptr<const DeviceMapping>(
      mapping, [cache, session, key](const DeviceMapping* m) {
        cache->Release(session, key);
        delete m;
      });
}

}  // namespace ccs::cuda
