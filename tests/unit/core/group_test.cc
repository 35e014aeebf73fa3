// Group executor behaviour with a recording engine (no memory is touched:
// the host engine has its own tests).
#include "daemon/core/group.h"

#include <catch2/catch.hpp>
#include <future>
#include <mutex>

#include "group_test_support.h"

namespace ccs {
namespace {

using namespace std::chrono_literals;
using testing::MakeArrival;
using testing::MakeSession;
using testing::ReadyGroup;
using testing::RecordingEngine;
using testing::Result;

TEST_CASE("Join rejects other world sizes and taken ranks", "[group]") {
  RecordingEngine engine;
  auto g = Group::Create(1, "g", 1, 2, &engine, Clock::now() + 5s, nullptr);
  auto noop = [](const Status&, const JoinResult&) {};
  REQUIRE(g->Join(0, 2, MakeSession(1, 10), Clock::now() + 5s, noop).ok());
  CHECK(g->Join(1, 3, MakeSession(2, 11), Clock::now() + 5s, noop).code() ==
        StatusCode::kInvalidArgument);
  Status dup = g->Join(0, 2, MakeSession(2, 11), Clock::now() + 5s, noop);
  CHECK(dup.code() == StatusCode::kAlreadyExists);
  CHECK(dup.message().find("pid 10") != std::string::npos);
  g->Shutdown(Unavailable("test over"));
}

TEST_CASE("Formation deadline names the ranks that never joined", "[group]") {
  RecordingEngine engine;
  std::promise<uint64_t> destroyed;
  auto g = Group::Create(7, "g", 1, 3, &engine, Clock::now() + 200ms,
                         [&](uint64_t id) { destroyed.set_value(id); });
  std::promise<Status> joined;
  REQUIRE(g->Join(1, 3, MakeSession(1, 10), Clock::now() + 5s,
                  [&](const Status& s, const JoinResult&) { joined.set_value(s); })
              .ok());
  Status s = joined.get_future().get();
  CHECK(s.code() == StatusCode::kDeadlineExceeded);
  CHECK(s.message().find("ranks [0,2]") != std::string::npos);
  CHECK(destroyed.get_future().get() == 7);
  CHECK(g->state() == GroupState::kDestroyed);
}

TEST_CASE("Ops run in sequence order once every rank arrived", "[group]") {
  RecordingEngine engine;
  auto g = ReadyGroup(&engine, 2);
  Result a0, a1, b0, b1;
  g->Submit(0, MakeArrival(CollectiveKind::kAllReduce, 4, a0.Done()));
  g->Submit(0, MakeArrival(CollectiveKind::kBarrier, 0, b0.Done()));
  g->Submit(1, MakeArrival(CollectiveKind::kAllReduce, 4, a1.Done()));
  g->Submit(1, MakeArrival(CollectiveKind::kBarrier, 0, b1.Done()));
  CHECK(a0.Get().second == 1);
  CHECK(a1.Get().second == 1);
  CHECK(b0.Get().second == 2);
  CHECK(b1.Get().first.ok());
  CHECK(engine.kinds == std::vector{CollectiveKind::kAllReduce, CollectiveKind::kBarrier});
  CHECK(g->View().completed_seq == 2);
  g->Shutdown(Unavailable("test over"));
}

TEST_CASE("A mismatch fails the op on every rank and the group goes on", "[group]") {
  RecordingEngine engine;
  auto g = ReadyGroup(&engine, 3);
  Result r0, r1, r2;
  g->Submit(0, MakeArrival(CollectiveKind::kAllReduce, 4, r0.Done()));
  g->Submit(1, MakeArrival(CollectiveKind::kAllGather, 4, r1.Done()));
  auto [s0, q0] = r0.Get();
  CHECK(s0.code() == StatusCode::kInvalidArgument);
  CHECK(s0.message().find("rank 0 called all_reduce") != std::string::npos);
  CHECK(s0.message().find("rank 1 called all_gather") != std::string::npos);
  CHECK(r1.Get().first.code() == StatusCode::kInvalidArgument);
  g->Submit(2, MakeArrival(CollectiveKind::kAllReduce, 4, r2.Done()));
  CHECK(r2.Get().first.code() == StatusCode::kInvalidArgument);
  Result n0, n1, n2;
  g->Submit(0, MakeArrival(CollectiveKind::kBarrier, 0, n0.Done()));
  g->Submit(1, MakeArrival(CollectiveKind::kBarrier, 0, n1.Done()));
  g->Submit(2, MakeArrival(CollectiveKind::kBarrier, 0, n2.Done()));
  CHECK(n0.Get().first.ok());
  CHECK(engine.kinds == std::vector{CollectiveKind::kBarrier});
  g->Shutdown(Unavailable("test over"));
}

TEST_CASE("A timed-out op names the missing ranks and breaks the group", "[group]") {
  RecordingEngine engine;
  auto g = ReadyGroup(&engine, 3);
  Result r0, r1;
  g->Submit(0, MakeArrival(CollectiveKind::kAllReduce, 4, r0.Done(), 150ms));
  g->Submit(1, MakeArrival(CollectiveKind::kAllReduce, 4, r1.Done(), 5000ms));
  auto [s, seq] = r0.Get();
  CHECK(s.code() == StatusCode::kDeadlineExceeded);
  CHECK(s.message().find("ranks [2] never arrived") != std::string::npos);
  CHECK(r1.Get().first.code() == StatusCode::kDeadlineExceeded);
  CHECK(g->state() == GroupState::kBroken);
  Result late;
  g->Submit(2, MakeArrival(CollectiveKind::kAllReduce, 4, late.Done()));
  CHECK(late.Get().first.code() == StatusCode::kAborted);
  g->Shutdown(Unavailable("test over"));
}

TEST_CASE("A departed rank aborts the waiting ranks naming its pid", "[group]") {
  RecordingEngine engine;
  auto g = ReadyGroup(&engine, 3);
  Result r0, r1;
  g->Submit(0, MakeArrival(CollectiveKind::kAllReduce, 4, r0.Done()));
  g->Submit(1, MakeArrival(CollectiveKind::kAllReduce, 4, r1.Done()));
  CHECK_FALSE(g->RemoveMember(2, "disconnected"));
  auto [s, seq] = r0.Get();
  CHECK(s.code() == StatusCode::kAborted);
  CHECK(s.message().find("rank 2 (pid 102") != std::string::npos);
  CHECK(r1.Get().first.code() == StatusCode::kAborted);
  GroupView v = g->View();
  CHECK(v.state == GroupState::kBroken);
  CHECK(v.broken_reason.find("rank 2") != std::string::npos);
  CHECK_FALSE(g->RemoveMember(0, "left"));
  CHECK(g->RemoveMember(1, "left"));
  CHECK(g->state() == GroupState::kDestroyed);
}

TEST_CASE("Send and recv match per pair and check their counts", "[group]") {
  RecordingEngine engine;
  auto g = ReadyGroup(&engine, 2);
  Result s, r;
  Arrival send = MakeArrival(CollectiveKind::kSend, 4, s.Done());
  send.call.peer = 1;
  Arrival recv = MakeArrival(CollectiveKind::kRecv, 4, r.Done());
  recv.call.peer = 0;
  g->Submit(1, std::move(recv));
  g->Submit(0, std::move(send));
  CHECK(s.Get().first.ok());
  CHECK(r.Get().first.ok());
  Result s2, r2;
  Arrival send2 = MakeArrival(CollectiveKind::kSend, 4, s2.Done());
  send2.call.peer = 1;
  Arrival recv2 = MakeArrival(CollectiveKind::kRecv, 5, r2.Done());
  recv2.call.peer = 0;
  g->Submit(0, std::move(send2));
  g->Submit(1, std::move(recv2));
  CHECK(s2.Get().first.code() == StatusCode::kInvalidArgument);
  CHECK(r2.Get().first.code() == StatusCode::kInvalidArgument);
  g->Shutdown(Unavailable("test over"));
}

TEST_CASE("In-flight view shows who arrived and who is missing", "[group]") {
  RecordingEngine engine;
  auto g = ReadyGroup(&engine, 3);
  Result r1;
  g->Submit(1, MakeArrival(CollectiveKind::kAllReduce, 4, r1.Done()));
  GroupView v = g->View();
  REQUIRE(v.in_flight.size() == 1);
  CHECK(v.in_flight[0].seq == 1);
  CHECK(v.in_flight[0].arrived == std::vector<uint32_t>{1});
  CHECK(v.in_flight[0].missing == std::vector<uint32_t>{0, 2});
  g->Shutdown(Unavailable("stopping"));
  CHECK(r1.Get().first.code() == StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ccs

namespace ccs {
namespace {

TEST_CASE("A rank lost while forming aborts the other joins naming it", "[group]") {
  RecordingEngine engine;
  auto g = Group::Create(1, "g", 1, 3, &engine, Clock::now() + 5s, nullptr);
  std::promise<Status> joined;
  REQUIRE(g->Join(0, 3, MakeSession(1, 10), Clock::now() + 5s,
                  [&](const Status& s, const JoinResult&) { joined.set_value(s); })
              .ok());
  REQUIRE(g->Join(1, 3, MakeSession(2, 11), Clock::now() + 5s,
                  [](const Status&, const JoinResult&) {})
              .ok());
  CHECK(g->RemoveMember(1, "disconnected"));
  auto f = joined.get_future();
  REQUIRE(f.wait_for(2s) == std::future_status::ready);
  Status s = f.get();
  CHECK(s.code() == StatusCode::kAborted);
  CHECK(s.message().find("rank 1 (pid 11") != std::string::npos);
  CHECK(g->state() == GroupState::kDestroyed);
}

}  // namespace
}  // namespace ccs
