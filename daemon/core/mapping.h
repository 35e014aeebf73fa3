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
  // RESOURCE_EXHAUSTED (mmap, or no SigbusGuard slot), all naming the
  // segment. The mapping is watched by SigbusGuard for its whole life.
  static StatusOr<std::shared_ptr<Mapping>> OpenShm(const std::string& shm_name,
                                                   uint32_t owner_uid, size_t bytes);
  ~Mapping();
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  std::byte* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& name() const { return name_; }
  // True once the owner shrank the segment under the mapping and the daemon
  // touched the missing part (see SigbusGuard): the memory is no longer
  // shared with the client and results that used it are invalid.
  bool Faulted() const;

 private:
  Mapping(std::byte* data, size_t size, std::string name, int guard_slot)
      : data_(data), size_(size), name_(std::move(name)), guard_slot_(guard_slot) {}
  std::byte* data_;
  size_t size_;
  std::string name_;
  int guard_slot_;
};

}  // namespace ccs
