#include "daemon/engine/cuda/ipc_mapping_cache.h"

#include <string>

namespace ccs::cuda {

IpcMappingCache::IpcMappingCache(IpcOpener* opener)
    : opener_(opener), closer_([this] { CloseLoop(); }) {}

IpcMappingCache::~IpcMappingCache() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  closer_.join();  // after it closed every queued mapping
  for (auto& [key, m] : mappings_) opener_->Close(m.ordinal, m.base);
}

void IpcMappingCache::CloseLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !closing_.empty(); });
    if (closing_.empty()) return;  // stopping, nothing left
    const MappingKey key = closing_.front();
    closing_.pop_front();
    auto it = mappings_.find(key);
    const int ordinal = it->second.ordinal;
    void* const base = it->second.base;
    ++in_close_;
    lock.unlock();
    opener_->Close(ordinal, base);
    lock.lock();
    --in_close_;
    mappings_.erase(key);
    cv_.notify_all();
  }
}

bool IpcMappingCache::WaitClosed(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, deadline, [this] { return closing_.empty() && in_close_ == 0; });
}

StatusOr<void*> IpcMappingCache::Acquire(uint64_t session, const MappingKey& key,
                                         int ordinal, uint64_t alloc_size) {
  std::lock_guard lock(mu_);
  auto it = mappings_.find(key);
  if (it != mappings_.end()) {
    if (it->second.closing) {
      return Unavailable("this IPC handle's allocation on " + FormatDeviceUuid(key.device) +
                         " is still being unmapped (the daemon's work on it is draining); "
                         "register it again shortly");
    }
    if (it->second.alloc_size != alloc_size) {
      return InvalidArgument("this IPC handle on " + FormatDeviceUuid(key.device) +
                             " is already mapped as an allocation of " +
                             std::to_string(it->second.alloc_size) + " bytes, not " +
                             std::to_string(alloc_size));
    }
    ++it->second.refs[session];
    return it->second.base;
  }
  ASSIGN_OR_RETURN(IpcOpened opened, opener_->Open(ordinal, key.handle));
  auto [it_new, inserted] = mappings_.try_emplace(key);
  Mapping& m = it_new->second;
  m.base = opened.base;
  m.ordinal = ordinal;
  m.alloc_size = alloc_size;
  if (opened.bytes != 0 && opened.bytes < alloc_size) {
    CloseIfUnusedLocked(it_new);
    return InvalidArgument("the allocation this IPC handle names on " +
                           FormatDeviceUuid(key.device) + " is " +
                           std::to_string(opened.bytes) + " bytes, not the " +
                           std::to_string(alloc_size) + " the registration says");
  }
  m.refs[session] = 1;
  return opened.base;
}

void IpcMappingCache::CloseIfUnusedLocked(std::map<MappingKey, Mapping>::iterator it) {
  if (!it->second.refs.empty() || it->second.closing) return;
  it->second.closing = true;
  closing_.push_back(it->first);
  cv_.notify_all();
}

void IpcMappingCache::Release(uint64_t session, const MappingKey& key) {
  std::lock_guard lock(mu_);
  auto it = mappings_.find(key);
  if (it == mappings_.end()) return;
  auto ref = it->second.refs.find(session);
  if (ref == it->second.refs.end()) return;
  if (--ref->second == 0) it->second.refs.erase(ref);
  CloseIfUnusedLocked(it);
}

void IpcMappingCache::ReleaseSession(uint64_t session) {
  std::lock_guard lock(mu_);
  for (auto it = mappings_.begin(); it != mappings_.end();) {
    auto next = std::next(it);
    it->second.refs.erase(session);
    CloseIfUnusedLocked(it);
    it = next;
  }
}

size_t IpcMappingCache::mapped() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key, m] : mappings_) n += m.closing ? 0 : 1;
  return n;
}

size_t IpcMappingCache::closing() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key, m] : mappings_) n += m.closing ? 1 : 0;
  return n;
}

uint64_t IpcMappingCache::references(const MappingKey& key) const {
  std::lock_guard lock(mu_);
  auto it = mappings_.find(key);
  if (it == mappings_.end()) return 0;
  uint64_t n = 0;
  for (const auto& [session, count] : it->second.refs) n += count;
  return n;
}

}  // namespace ccs::cuda
