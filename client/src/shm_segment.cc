#include "client/src/shm_segment.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <utility>

#include "ccs/error.h"

namespace ccs {
namespace {

constexpr int kCreateAttempts = 8;

Code CodeForErrno(int err) {
  switch (err) {
    case ENOENT:
      return Code::kNotFound;
    case EACCES:
    case EPERM:
      return Code::kPermissionDenied;
    case EEXIST:
      return Code::kAlreadyExists;
    case EINVAL:
    case ENAMETOOLONG:
      return Code::kInvalidArgument;
    case ENOMEM:
    case ENOSPC:
    case EMFILE:
    case ENFILE:
    case EFBIG:
      return Code::kResourceExhausted;
    default:
      return Code::kInternal;
  }
}

// "<what> <name>: <call>: <strerror>".
Error ErrnoError(const std::string& what, const std::string& name, const char* call,
                 int err) {
  return Error(CodeForErrno(err),
               what + " " + name + ": " + call + ": " + std::strerror(err));
}

std::string UniqueName() {
  static std::atomic<uint64_t> counter{0};
  static thread_local std::mt19937 rng{std::random_device{}()};
  char name[64];
  std::snprintf(name, sizeof(name), "/ccs-%d-%llu-%08x", static_cast<int>(getpid()),
                static_cast<unsigned long long>(counter.fetch_add(1)),
                static_cast<unsigned>(rng()));
  return name;
}

// Closes a file descriptor on scope exit.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
};

void* MapShared(int fd, size_t bytes, const std::string& what, const std::string& name) {
  void* data = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) throw ErrnoError(what, name, "mmap", errno);
  return data;
}

}  // namespace

ShmSegment ShmSegment::Create(size_t bytes) {
  const std::string what =
      "cannot create a shared-memory buffer of " + std::to_string(bytes) + " bytes as";
  if (bytes == 0) {
    throw Error(Code::kInvalidArgument, "a host buffer needs at least 1 byte");
  }
  std::string name;
  int fd = -1;
  for (int attempt = 0; attempt < kCreateAttempts && fd < 0; ++attempt) {
    name = UniqueName();
    fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) throw ErrnoError(what, name, "shm_open", errno);
  }
  if (fd < 0) throw ErrnoError(what, name, "shm_open", EEXIST);
  FdCloser closer{fd};
  try {
    if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
      throw ErrnoError(what, name, "ftruncate", errno);
    }
    // Reserve the pages now: on tmpfs a sparse segment only fails when a
    // page is first touched, as a SIGBUS in whoever touches it.
    const int err = posix_fallocate(fd, 0, static_cast<off_t>(bytes));
    if (err != 0 && err != EOPNOTSUPP && err != EINVAL) {
      throw ErrnoError(what + " (is /dev/shm large enough?)", name, "posix_fallocate",
                       err);
    }
    return ShmSegment(name, MapShared(fd, bytes, what, name), bytes, true);
  } catch (...) {
    shm_unlink(name.c_str());
    throw;
  }
}

ShmSegment ShmSegment::Open(const std::string& name, size_t bytes) {
  const std::string what = "cannot map shared-memory segment";
  if (bytes == 0) {
    throw Error(Code::kInvalidArgument, "a host buffer needs at least 1 byte");
  }
  if (name.size() < 2 || name.front() != '/' || name.find('/', 1) != std::string::npos) {
    throw Error(Code::kInvalidArgument,
                "\"" + name +
                    "\" is not a shm_open name: use \"/name\" (one leading "
                    "slash, no other)");
  }
  const int fd = shm_open(name.c_str(), O_RDWR | O_CLOEXEC, 0);
  if (fd < 0) throw ErrnoError(what, name, "shm_open", errno);
  FdCloser closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) throw ErrnoError(what, name, "fstat", errno);
  if (static_cast<uint64_t>(st.st_size) < bytes) {
    throw Error(Code::kInvalidArgument,
                "shared-memory segment " + name + " has " + std::to_string(st.st_size) +
                    " bytes, fewer than the " + std::to_string(bytes) + " to register");
  }
  return ShmSegment(name, MapShared(fd, bytes, what, name), bytes, false);
}

ShmSegment::ShmSegment(ShmSegment&& other) noexcept
    : name_(std::move(other.name_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(other.size_),
      owns_segment_(other.owns_segment_) {}

ShmSegment::~ShmSegment() {
  if (data_ != nullptr) ReleaseShmMapping(data_, size_, name_, owns_segment_);
}

void ReleaseShmMapping(void* data, size_t size, const std::string& name, bool unlink) {
  if (munmap(data, size) != 0) {
    std::fprintf(stderr, "ccs: munmap of %s failed: %s\n", name.c_str(),
                 std::strerror(errno));
  }
  if (unlink) UnlinkShm(name);
}

bool UnlinkShm(const std::string& name) {
  if (shm_unlink(name.c_str()) == 0 || errno == ENOENT) return true;
  std::fprintf(stderr, "ccs: shm_unlink(%s) failed: %s\n", name.c_str(),
               std::strerror(errno));
  return false;
}

}  // namespace ccs
