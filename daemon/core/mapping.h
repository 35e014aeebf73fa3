// Mapping: one mmap'ed shared-memory segment, unmapped when the last
// reference drops. Ops in flight hold references, so a segment stays mapped
// until they finish even if its session ends meanwhile.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "daemon/core/status.h"

namespace ccs {

class Mapping {
 public:
  // Opens the POSIX shared-memory object `shm_name`, checks that it is a
  // regular object owned by `owner_uid` and at least `bytes` long, and maps
  // its first `bytes` read-write. Errors: INVALID_ARGUMENT (bad name, zero or
  // too large size), NOT_FOUND, PERMISSION_DENIED (other owner),
  // RESOURCE_EXHAUSTED (mmap), all naming the segment.
  static StatusOr<std::shared_ptr<Mapping>> OpenShm(const std::string& shm_name,
                                                   uint32_t owner_uid, size_t bytes);
  ~Mapping();
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  std::byte* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  Mapping(std::byte* data, size_t size) : data_(data), size_(size) {}
  std::byte* data_;
  size_t size_;
};

}  // namespace ccs
