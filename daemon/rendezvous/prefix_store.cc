#include "daemon/rendezvous/prefix_store.h"

#include <utility>

namespace ccs::rendezvous {

PrefixStore::PrefixStore(std::shared_ptr<Store> base, std::string prefix)
    : base_(std::move(base)), prefix_(std::move(prefix)) {}

std::string PrefixStore::Scoped(std::string_view key) const {
  // An empty key stays empty so that the base rejects it by name.
  if (prefix_.empty() || key.empty()) return std::string(key);
  std::string scoped;
  scoped.reserve(prefix_.size() + 1 + key.size());
  scoped.append(prefix_).append("/").append(key);
  return scoped;
}

Status PrefixStore::Set(std::string_view key, std::string_view value, Ttl ttl) {
  return base_->Set(Scoped(key), value, ttl);
}

StatusOr<std::string> PrefixStore::Get(std::string_view key) {
  return base_->Get(Scoped(key));
}

Status PrefixStore::Wait(const std::vector<std::string>& keys, Deadline deadline) {
  std::vector<std::string> scoped;
  scoped.reserve(keys.size());
  for (const std::string& key : keys) scoped.push_back(Scoped(key));
  return base_->Wait(scoped, deadline);
}

StatusOr<int64_t> PrefixStore::Add(std::string_view key, int64_t delta) {
  return base_->Add(Scoped(key), delta);
}

StatusOr<Store::CasResult> PrefixStore::CompareAndSet(std::string_view key,
                                                      std::string_view expected,
                                                      std::string_view desired, Ttl ttl) {
  return base_->CompareAndSet(Scoped(key), expected, desired, ttl);
}

StatusOr<bool> PrefixStore::Delete(std::string_view key) {
  return base_->Delete(Scoped(key));
}

}  // namespace ccs::rendezvous
