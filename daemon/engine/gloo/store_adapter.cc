#include "daemon/engine/gloo/store_adapter.h"

#include <gloo/common/error.h>

#include <algorithm>
#include <utility>

namespace ccs::gloo_engine {

GlooStoreAdapter::GlooStoreAdapter(rendezvous::Store& store,
                                   std::chrono::milliseconds timeout,
                                   rendezvous::Store::Deadline not_after)
    : store_(store), timeout_(timeout), not_after_(not_after) {}

void GlooStoreAdapter::Fail(Status status, std::vector<std::string> keys) {
  std::string text = status.ToString();
  {
    std::lock_guard lock(mu_);
    if (first_error_.ok()) {
      first_error_ = std::move(status);
      first_error_keys_ = std::move(keys);
    }
  }
  throw ::gloo::IoException(text);
}

void GlooStoreAdapter::set(const std::string& key, const std::vector<char>& data) {
  Status s = store_.Set(key, std::string_view(data.data(), data.size()),
                        rendezvous::Store::kNoExpiry);
  if (!s.ok()) Fail(std::move(s), {key});
}

std::vector<char> GlooStoreAdapter::get(const std::string& key) {
  WaitOrThrow({key}, timeout_);
  StatusOr<std::string> value = store_.Get(key);
  if (!value.ok()) Fail(value.status(), {key});
  return std::vector<char>(value->begin(), value->end());
}

void GlooStoreAdapter::wait(const std::vector<std::string>& keys) {
  WaitOrThrow(keys, timeout_);
}

void GlooStoreAdapter::wait(const std::vector<std::string>& keys,
                            const std::chrono::milliseconds& timeout) {
  // Zero is Gloo's "no timeout"; ours are never unbounded.
  WaitOrThrow(keys, timeout > std::chrono::milliseconds::zero() ? timeout : timeout_);
}

void GlooStoreAdapter::WaitOrThrow(const std::vector<std::string>& keys,
                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::min(rendezvous::Store::Clock::now() + timeout, not_after_);
  Status s = store_.Wait(keys, deadline);
  if (!s.ok()) Fail(std::move(s), keys);
}

Status GlooStoreAdapter::first_error() const {
  std::lock_guard lock(mu_);
  return first_error_;
}

std::vector<std::string> GlooStoreAdapter::first_error_keys() const {
  std::lock_guard lock(mu_);
  return first_error_keys_;
}

}  // namespace ccs::gloo_engine
