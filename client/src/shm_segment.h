// POSIX shared-memory segments backing host buffers.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

namespace ccs {

// A mapping of a POSIX shared-memory segment in this process. Unmaps it on
// destruction, and unlinks the segment if this object created it, unless
// Release() handed both duties to someone else. Move-only.
class ShmSegment {
 public:
  // Creates a new segment "/ccs-<pid>-<counter>-<random>" (O_EXCL, mode
  // 0600) of `bytes`, zero-filled, with its memory reserved up front so a
  // full /dev/shm is an error here rather than a SIGBUS later. Throws Error
  // (INVALID_ARGUMENT for 0 bytes, RESOURCE_EXHAUSTED when /dev/shm is
  // full, ...) with the errno text; leaves nothing behind on failure.
  static ShmSegment Create(size_t bytes);
  // Maps the first `bytes` of the existing segment `name` read-write.
  // Throws Error (NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT when the
  // segment is smaller than `bytes`, ...).
  static ShmSegment Open(const std::string& name, size_t bytes);

  ShmSegment(ShmSegment&& other) noexcept;
  ShmSegment& operator=(ShmSegment&&) = delete;
  ShmSegment(const ShmSegment&) = delete;
  ~ShmSegment();

  void* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& name() const { return name_; }
  bool owns_segment() const { return owns_segment_; }
  // The caller now unmaps (and, if owns_segment(), unlinks) the segment.
  void Release() { data_ = nullptr; }

 private:
  ShmSegment(std::string name, void* data, size_t size, bool owns_segment)
      : name_(std::move(name)), data_(data), size_(size), owns_segment_(owns_segment) {}

  std::string name_;
  void* data_;
  size_t size_;
  bool owns_segment_;
};

// Unlinks segment `name`; failures other than ENOENT are reported on stderr.
// Returns whether the name is gone.
bool UnlinkShm(const std::string& name);

// Unmaps a mapping made by ShmSegment and unlinks `name` if `unlink` is set.
// Failures are reported on stderr, never thrown (destructor context).
void ReleaseShmMapping(void* data, size_t size, const std::string& name, bool unlink);

}  // namespace ccs
