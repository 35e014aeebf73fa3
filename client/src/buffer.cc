#include "ccs/buffer.h"

#include <utility>

#include "client/src/client_impl.h"
#include "client/src/shm_segment.h"

namespace ccs {

HostBuffer::HostBuffer(ClientImpl* client, uint64_t id, void* data, size_t size,
                       std::string shm_name, bool owns_segment)
    : client_(client),
      id_(id),
      data_(data),
      size_(size),
      shm_name_(std::move(shm_name)),
      owns_segment_(owns_segment) {}

HostBuffer::~HostBuffer() {
  // Unregister before unmapping: the daemon must stop using the memory
  // before this process gives it up.
  client_->ReleaseBuffer(id_);
  ReleaseShmMapping(data_, size_, shm_name_, owns_segment_);
}

DeviceBuffer::DeviceBuffer(ClientImpl* client, uint64_t id, void* data, size_t size,
                           int device)
    : client_(client), id_(id), data_(data), size_(size), device_(device) {}

DeviceBuffer::~DeviceBuffer() { client_->ReleaseBuffer(id_); }

}  // namespace ccs
