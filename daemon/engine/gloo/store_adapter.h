// GlooStoreAdapter: our rendezvous Store seen as a gloo::rendezvous::Store,
// so that Gloo contexts rendezvous through the root daemon's store.
#pragma once

#include <gloo/rendezvous/store.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/rendezvous/store.h"

namespace ccs::gloo_engine {

// Gloo's interface has no error values: a failed call records its Status
// (the first one is kept) and throws gloo::IoException carrying its text,
// which unwinds out of Gloo; the code that called Gloo then reads
// first_error() to return the precise Status (GlooCall alone would only see
// the exception). `store` must outlive the adapter. Thread-safe.
class GlooStoreAdapter final : public ::gloo::rendezvous::Store {
 public:
  // `timeout` bounds get() and wait(keys) (calls without a timeout of their
  // own), and wait(keys, timeout) when Gloo passes no timeout (zero). No wait
  // lasts past `not_after`, so that a whole rendezvous can share one deadline.
  GlooStoreAdapter(
      rendezvous::Store& store, std::chrono::milliseconds timeout,
      rendezvous::Store::Deadline not_after = rendezvous::Store::Deadline::max());

  // Store::Set without expiry (bounded by the store's own call timeout).
  void set(const std::string& key, const std::vector<char>& data) override;
  // Waits up to the adapter's timeout for `key` (Gloo expects get to block
  // until another rank has set it), then returns its value.
  std::vector<char> get(const std::string& key) override;
  void wait(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys,
            const std::chrono::milliseconds& timeout) override;

  // The Status of the first call that failed; OK if none did.
  Status first_error() const;
  // The keys that call was about (empty if none failed).
  std::vector<std::string> first_error_keys() const;

 private:
  // Records `status` for `keys` if it is the first failure; throws it.
  [[noreturn]] void Fail(Status status, std::vector<std::string> keys);
  void WaitOrThrow(const std::vector<std::string>& keys,
                   std::chrono::milliseconds timeout);

  rendezvous::Store& store_;
  const std::chrono::milliseconds timeout_;
  const rendezvous::Store::Deadline not_after_;
  mutable std::mutex mu_;
  Status first_error_;
  std::vector<std::string> first_error_keys_;
};

}  // namespace ccs::gloo_engine
