// GroupRegistry: subgroups of a parent, and the daemon draining and stopping.
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

// Joins ranks 0..n-1 of `name` from sessions 1..n and waits until READY.
std::shared_ptr<Group> FormParent(GroupRegistry& registry, const std::string& name,
                                  uint32_t n) {
  std::vector<std::promise<Status>> ready(n);
  for (uint32_t r = 0; r < n; ++r) {
    REQUIRE(registry
                .Join(MakeSession(r + 1, static_cast<int32_t>(100 + r)), Request(name, n, r),
                      [&ready, r](const Status& s, const JoinResult&) { ready[r].set_value(s); })
                .ok());
  }
  for (auto& p : ready) REQUIRE(p.get_future().get().ok());
  return registry.FindByName(name).value();
}

SubgroupRequest Sub(uint64_t parent, std::vector<uint32_t> ranks, const std::string& name) {
  return SubgroupRequest{parent, std::move(ranks), name, 1, 5000ms};
}

TEST_CASE("A subgroup forms from its parent's members, ranked in the order given",
          "[registry][subgroup]") {
  RecordingEngine engine;
  GroupRegistry registry(&engine, Config{});
  auto parent = FormParent(registry, "p", 4);
  std::vector<std::promise<JoinResult>> joined(2);
  const std::vector<uint32_t> ranks = {3, 1};
  for (uint32_t i = 0; i < 2; ++i) {
    const uint32_t p = ranks[i];
    REQUIRE(registry
                .JoinSubgroup(MakeSession(p + 1, static_cast<int32_t>(100 + p)),
                              Sub(parent->id(), ranks, "p/sub"),
                              [&joined, i](const Status& s, const JoinResult& r) {
                                CHECK(s.ok());
                                joined[i].set_value(r);
                              })
                .ok());
  }
  const JoinResult first = joined[0].get_future().get();
  const JoinResult second = joined[1].get_future().get();
  CHECK(first.rank == 0);  // parent rank 3
  CHECK(second.rank == 1);
  CHECK(first.world_size == 2);
  auto sub = registry.FindByName("p/sub");
  REQUIRE(sub.ok());
  CHECK((*sub)->state() == GroupState::kReady);
  CHECK((*sub)->RankOf(4) == 0u);
  CHECK(registry.ShutdownAll(Unavailable("stop"), Clock::now() + 5s) == 0);
}

TEST_CASE("A subgroup join names what is wrong with it", "[registry][subgroup]") {
  RecordingEngine engine;
  GroupRegistry registry(&engine, Config{});
  auto parent = FormParent(registry, "p", 3);
  auto refuse = [&](uint64_t session, SubgroupRequest request) {
    return registry.JoinSubgroup(MakeSession(session, 100), request,
                                 [](const Status&, const JoinResult&) { FAIL("called"); });
  };
  Status missing_self = refuse(1, Sub(parent->id(), {1, 2}, "s"));
  CHECK(missing_self.code() == StatusCode::kInvalidArgument);
  CHECK(missing_self.message().find("rank 0 of parent 'p' is not among") != std::string::npos);
  Status repeated = refuse(1, Sub(parent->id(), {0, 2, 2}, "s"));
  CHECK(repeated.code() == StatusCode::kInvalidArgument);
  CHECK(repeated.message().find("repeated rank 2") != std::string::npos);
  Status out_of_range = refuse(1, Sub(parent->id(), {0, 3}, "s"));
  CHECK(out_of_range.code() == StatusCode::kInvalidArgument);
  CHECK(out_of_range.message().find("out-of-range rank 3") != std::string::npos);
  CHECK(refuse(1, Sub(parent->id(), {}, "s")).code() == StatusCode::kInvalidArgument);
  CHECK(refuse(1, Sub(parent->id(), {0}, "")).code() == StatusCode::kInvalidArgument);
  // Not a member of the parent (session 9), or no such parent.
  CHECK(refuse(9, Sub(parent->id(), {0}, "s")).code() == StatusCode::kNotFound);
  CHECK(refuse(1, Sub(parent->id() + 100, {0}, "s")).code() == StatusCode::kNotFound);
  // The name of a READY group.
  CHECK(refuse(1, Sub(parent->id(), {0}, "p")).code() == StatusCode::kAlreadyExists);
  CHECK(registry.ShutdownAll(Unavailable("stop"), Clock::now() + 5s) == 0);
}

}  // namespace ccs
