#include "daemon/core/mapping.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/core/sigbus_guard.h"

namespace ccs {

StatusOr<std::shared_ptr<Mapping>> Mapping::OpenShm(const std::string& shm_name,
                                                    uint32_t owner_uid, size_t bytes) {
  const std::string seg = "shared memory '" + shm_name + "'";
  if (shm_name.size() < 2 || shm_name.size() > 255 || shm_name[0] != '/' ||
      shm_name.find('/', 1) != std::string::npos) {
    return InvalidArgument("'" + shm_name +
                           "' is not a shm_open name: it must be '/' followed by 1-254 "
                           "characters without '/'");
  }
  if (bytes == 0) return InvalidArgument("cannot register " + seg + " with size 0");
  int fd = shm_open(shm_name.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus("cannot open " + seg, errno);
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ErrnoStatus("cannot stat " + seg, err);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return InvalidArgument(seg + " is not a regular shared-memory object");
  }
  if (st.st_uid != owner_uid) {
    close(fd);
    return PermissionDenied(seg + " is owned by uid " + std::to_string(st.st_uid) +
                            ", not by the session's uid " + std::to_string(owner_uid) +
                            "; the daemon maps only memory the caller owns");
  }
  if (static_cast<uint64_t>(st.st_size) < bytes) {
    close(fd);
    return InvalidArgument(seg + " has " + std::to_string(st.st_size) +
                           " bytes, fewer than the " + std::to_string(bytes) +
                           " requested");
  }
  void* addr = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int err = errno;
  close(fd);
  if (addr == MAP_FAILED) return ErrnoStatus("cannot map " + seg, err);
  SigbusGuard::Install();
  int slot = SigbusGuard::Watch(addr, bytes);
  if (slot < 0) {
    munmap(addr, bytes);
    return ResourceExhausted("cannot guard " + seg + ": the daemon watches at most 65536 "
                             "mapped segments at once");
  }
  return std::shared_ptr<Mapping>(
      new Mapping(static_cast<std::byte*>(addr), bytes, shm_name, slot));
}

Mapping::~Mapping() {
  SigbusGuard::Unwatch(guard_slot_);
  munmap(data_, size_);
}

bool Mapping::Faulted() const { return SigbusGuard::Faulted(guard_slot_); }

}  // namespace ccs
