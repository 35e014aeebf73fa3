// GroupRegistry while the daemon drains and stops.
#include "daemon/core/group_registry.h"

#include <catch2/catch.hpp>
#include <future>

#include "group_test_support.h"

namespace ccs {
namespace {

using namespace std::chrono_literals;
using testing::MakeSession;
using testing::RecordingEngine;

JoinRequest Request(const std::string& name, uint32_t world, uint32_t rank) {
  return JoinRequest{name, world, rank, 5000ms};
}

TEST_CASE("Draining refuses joins and fails groups still forming", "[registry][drain]") {
  RecordingEngine engine;
  GroupRegistry registry(&engine, Config{});
  std::promise<Status> pending;
  REQUIRE(registry
              .Join(MakeSession(1, 10), Request("forming", 2, 0),
                    [&](const Status& s, const JoinResult&) { pending.set_value(s); })
              .ok());
  registry.BeginDrain(Unavailable("ccsd is draining"));
  Status joined = pending.get_future().get();
  CHECK(joined.code() == StatusCode::kUnavailable);
  CHECK(joined.message() == "ccsd is draining");
  CHECK_FALSE(registry.FindByName("forming").ok());

  Status refused =
      registry.Join(MakeSession(2, 11), Request("new", 1, 0),
                    [](const Status&, const JoinResult&) { FAIL("called"); });
  CHECK(refused.code() == StatusCode::kUnavailable);
  CHECK(refused.message() == "ccsd is draining");
  CHECK(registry.InFlightOps() == 0);
  CHECK(registry.ShutdownAll(Unavailable("stop"), Clock::now() + 5s) == 0);
}

TEST_CASE("ShutdownAll waits for every group's executor to stop", "[registry]") {
  RecordingEngine engine;
  Config config;
  config.flight_recorder_ops = 4;
  GroupRegistry registry(&engine, config);
  std::promise<Status> ready;
  REQUIRE(registry
              .Join(MakeSession(1, 10), Request("solo", 1, 0),
                    [&](const Status& s, const JoinResult&) { ready.set_value(s); })
              .ok());
  REQUIRE(ready.get_future().get().ok());
  auto group = registry.FindByName("solo");
  REQUIRE(group.ok());
  CHECK((*group)->Dump().flight.capacity == 4);
  CHECK(registry.ShutdownAll(Unavailable("stop"), Clock::now() + 5s) == 0);
  CHECK((*group)->state() == GroupState::kDestroyed);
  CHECK(registry.List().empty());
}

}  // namespace
}  // namespace ccs
