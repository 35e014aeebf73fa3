#include "daemon/engine/cuda/ipc_mapping_cache.h"

#include <string>

namespace ccs::cuda {

IpcMappingCache::~IpcMappingCache() {
  for (auto& [key, m] : mappings_) opener_->Close(m.ordinal, m.base);
}

StatusOr<void*> IpcMappingCache::Acquire(uint64_t session, const MappingKey& key,
                                         int ordinal, uint64_t alloc_size) {
  std::lock_guard lock(mu_);
  auto it = mappings_.find(key);
  if (it != mappings_.end()) {
    if (it->second.alloc_size != alloc_size) {
      return InvalidArgument("this IPC handle on " + FormatDeviceUuid(key.device) +
                             " is already mapped as an allocation of " +
                             std::to_string(it->second.alloc_size) + " bytes, not " +
                             std::to_string(alloc_size));
    }
    ++it->second.refs[session];
    return it->second.base;
  }
  ASSIGN_OR_RETURN(void* base, opener_->Open(ordinal, key.handle));
  Mapping& m = mappings_[key];
  m.base = base;
  m.ordinal = ordinal;
  m.alloc_size = alloc_size;
  m.refs[session] = 1;
  return base;
}

void IpcMappingCache::CloseIfUnused(std::map<MappingKey, Mapping>::iterator it) {
  if (!it->second.refs.empty()) return;
  opener_->Close(it->second.ordinal, it->second.base);
  mappings_.erase(it);
}

void IpcMappingCache::Release(uint64_t session, const MappingKey& key) {
  std::lock_guard lock(mu_);
  auto it = mappings_.find(key);
  if (it == mappings_.end()) return;
  auto ref = it->second.refs.find(session);
  if (ref == it->second.refs.end()) return;
  if (--ref->second == 0) it->second.refs.erase(ref);
  CloseIfUnused(it);
}

void IpcMappingCache::ReleaseSession(uint64_t session) {
  std::lock_guard lock(mu_);
  for (auto it = mappings_.begin(); it != mappings_.end();) {
    auto next = std::next(it);
    it->second.refs.erase(session);
    CloseIfUnused(it);
    it = next;
  }
}

size_t IpcMappingCache::mapped() const {
  std::lock_guard lock(mu_);
  return mappings_.size();
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
