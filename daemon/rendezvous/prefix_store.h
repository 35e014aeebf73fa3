// PrefixStore: a view of another Store whose keys all live under one prefix,
// for per-group (or per-epoch) namespaces.
//
//   auto group_store = std::make_shared<PrefixStore>(root_store, "groups/tp0/3");
//   group_store->Set("ready", "1", Store::kNoExpiry);  // sets "groups/tp0/3/ready"
#pragma once

#include <memory>
#include <string>

#include "daemon/rendezvous/store.h"

namespace ccs::rendezvous {

// Every key k becomes "<prefix>/k" in the base store (k itself for an empty
// prefix); views nest ("a" over "b" gives "b/a/k"). Thread-safe as the base
// is; keeps the base alive. Errors come from the base and name full keys.
class PrefixStore final : public Store {
 public:
  PrefixStore(std::shared_ptr<Store> base, std::string prefix);

  const std::string& prefix() const { return prefix_; }

  Status Set(std::string_view key, std::string_view value, Ttl ttl) override;
  StatusOr<std::string> Get(std::string_view key) override;
  Status Wait(const std::vector<std::string>& keys, Deadline deadline) override;
  StatusOr<int64_t> Add(std::string_view key, int64_t delta) override;
  StatusOr<CasResult> CompareAndSet(std::string_view key, std::string_view expected,
                                    std::string_view desired, Ttl ttl) override;
  StatusOr<bool> Delete(std::string_view key) override;

 private:
  std::string Scoped(std::string_view key) const;

  std::shared_ptr<Store> base_;
  std::string prefix_;
};

}  // namespace ccs::rendezvous
