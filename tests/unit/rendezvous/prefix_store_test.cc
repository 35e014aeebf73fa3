// PrefixStore maps keys into its base store (the contract itself runs in
// store_contract_test.cc).
#include "daemon/rendezvous/prefix_store.h"

#include <catch2/catch.hpp>

#include "daemon/rendezvous/memory_store.h"

namespace ccs::rendezvous {
namespace {

using namespace std::chrono_literals;

TEST_CASE("PrefixStore keeps each scope's keys under its prefix, and nests") {
  auto base = std::make_shared<MemoryStore>();
  auto group = std::make_shared<PrefixStore>(base, "groups/tp0");
  PrefixStore epoch(group, "3");
  REQUIRE(group->Set("ready", "1", Store::kNoExpiry).ok());
  REQUIRE(epoch.Add("joined", 2).value() == 2);

  CHECK(base->Get("groups/tp0/ready").value() == "1");
  CHECK(base->Get("groups/tp0/3/joined").value() == "2");
  CHECK(base->Get("ready").status().code() == StatusCode::kNotFound);
  CHECK(epoch.Get("ready").status().code() == StatusCode::kNotFound);
  REQUIRE(epoch.Wait({"joined"}, Store::Clock::now() + 1s).ok());

  PrefixStore none(base, "");
  CHECK(none.Get("groups/tp0/ready").value() == "1");
}

}  // namespace
}  // namespace ccs::rendezvous
