#include "ccs/kv_scope.h"

#include "ccs/error.h"
#include "client/src/client_impl.h"

namespace ccs {

void KvScope::Set(const std::string& key, const std::string& value,
                  std::chrono::milliseconds ttl) {
  client_->KvSet(group_id_, key, value, ttl);
}

std::string KvScope::Get(const std::string& key) {
  return client_->KvGet(group_id_, key);
}

std::optional<std::string> KvScope::TryGet(const std::string& key) {
  try {
    return client_->KvGet(group_id_, key);
  } catch (const Error& e) {
    if (e.code() == Code::kNotFound) return std::nullopt;
    throw;
  }
}

void KvScope::Wait(const std::vector<std::string>& keys,
                   std::chrono::milliseconds timeout) {
  client_->KvWait(group_id_, keys, timeout);
}

int64_t KvScope::Add(const std::string& key, int64_t delta) {
  return client_->KvAdd(group_id_, key, delta);
}

bool KvScope::CompareAndSet(const std::string& key, const std::string& expected,
                            const std::string& desired, std::chrono::milliseconds ttl,
                            std::string* current) {
  return client_->KvCompareAndSet(group_id_, key, expected, desired, ttl, current);
}

bool KvScope::Delete(const std::string& key) { return client_->KvDelete(group_id_, key); }

}  // namespace ccs
