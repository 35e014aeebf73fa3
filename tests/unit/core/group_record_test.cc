// What a Group writes into its flight recorder and tells its OpObserver, and
// how it drains.
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "daemon/core/group.h"
#include "group_test_support.h"

namespace ccs {
namespace {

using namespace std::chrono_literals;
using testing::MakeArrival;
using testing::ReadyGroup;
using testing::RecordingEngine;
using testing::Result;

// Keeps a copy of every record it is told about.
class CopyingObserver : public OpObserver {
 public:
  void OnOpFinished(const OpRecord& record) override {
    std::lock_guard lock(mu_);
    records_.push_back(record);
  }
  std::vector<OpRecord> records() {
    std::lock_guard lock(mu_);
    return records_;
  }

 private:
  std::mutex mu_;
  std::vector<OpRecord> records_;
};

std::vector<uint32_t> Ranks(const OpRecord& r) {
  std::vector<uint32_t> ranks;
  for (const RankArrival& a : r.arrivals) ranks.push_back(a.rank);
  return ranks;
}

TEST_CASE("A completed op is recorded once with every rank's arrival",
          "[group][record]") {
  RecordingEngine engine;
  CopyingObserver observer;
  auto g = ReadyGroup(&engine, 2, GroupHooks{&observer, 8});
  Result r0, r1;
  g->Submit(1, MakeArrival(CollectiveKind::kAllReduce, 4, r1.Done()));
  std::this_thread::sleep_for(2ms);  // rank 0 arrives measurably later
  g->Submit(0, MakeArrival(CollectiveKind::kAllReduce, 4, r0.Done()));
  REQUIRE(r0.Get().first.ok());
  REQUIRE(r1.Get().first.ok());

  FlightDump dump = g->Dump().flight;
  REQUIRE(dump.ops.size() == 1);
  const OpRecord& op = dump.ops[0];
  CHECK(op.seq == 1);
  CHECK(op.kind == CollectiveKind::kAllReduce);
  CHECK(op.count == 4);
  CHECK(op.code == StatusCode::kOk);
  CHECK(Ranks(op) == std::vector<uint32_t>{0, 1});
  CHECK(op.arrivals[1].at < op.arrivals[0].at);
  CHECK(op.first_arrival == op.arrivals[1].at);
  CHECK(op.finished >= op.arrivals[0].at);
  CHECK(op.path == "recording");  // the engine that ran it
  REQUIRE(observer.records().size() == 1);
  CHECK(observer.records()[0].code == StatusCode::kOk);
  g->Shutdown(Unavailable("test over"));
}

TEST_CASE("A mismatched op is recorded with the mismatch once all ranks arrived",
          "[group][record]") {
  RecordingEngine engine;
  CopyingObserver observer;
  auto g = ReadyGroup(&engine, 3, GroupHooks{&observer, 8});
  Result r0, r1, r2;
  g->Submit(0, MakeArrival(CollectiveKind::kAllReduce, 4, r0.Done()));
  g->Submit(1, MakeArrival(CollectiveKind::kAllGather, 4, r1.Done()));
  CHECK(r0.Get().first.code() == StatusCode::kInvalidArgument);
  CHECK(g->Dump().flight.ops.empty());  // rank 2 has not arrived yet
  g->Submit(2, MakeArrival(CollectiveKind::kAllReduce, 4, r2.Done()));
  CHECK(r2.Get().first.code() == StatusCode::kInvalidArgument);
  FlightDump dump = g->Dump().flight;
  REQUIRE(dump.ops.size() == 1);
  CHECK(dump.ops[0].code == StatusCode::kInvalidArgument);
  CHECK(dump.ops[0].message.find("mismatch") != std::string::npos);
  CHECK(dump.ops[0].path.empty());  // never reached an engine
  CHECK(Ranks(dump.ops[0]) == std::vector<uint32_t>{0, 1, 2});
  CHECK(g->View().in_flight.empty());
  g->Shutdown(Unavailable("test over"));
}

TEST_CASE("A timed-out op is recorded with the ranks that arrived", "[group][record]") {
  RecordingEngine engine;
  CopyingObserver observer;
  auto g = ReadyGroup(&engine, 3, GroupHooks{&observer, 8});
  Result r0, r1;
  g->Submit(0, MakeArrival(CollectiveKind::kBroadcast, 4, r0.Done(), 100ms));
  g->Submit(1, MakeArrival(CollectiveKind::kBroadcast, 4, r1.Done(), 100ms));
  CHECK(r0.Get().first.code() == StatusCode::kDeadlineExceeded);
  FlightDump dump = g->Dump().flight;
  REQUIRE(dump.ops.size() == 1);
  CHECK(dump.ops[0].code == StatusCode::kDeadlineExceeded);
  CHECK(Ranks(dump.ops[0]) == std::vector<uint32_t>{0, 1});
  CHECK(observer.records().size() == 1);
  CHECK(g->state() == GroupState::kBroken);
  g->Shutdown(Unavailable("test over"));
}

TEST_CASE("Shutdown records every pending op and unmatched send with its status",
          "[group][record]") {
  RecordingEngine engine;
  auto g = ReadyGroup(&engine, 2);
  Result a, s;
  g->Submit(0, MakeArrival(CollectiveKind::kAllReduce, 4, a.Done()));
  Arrival send = MakeArrival(CollectiveKind::kSend, 8, s.Done());
  send.call.peer = 1;
  g->Submit(0, std::move(send));
  CHECK(g->InFlightOps() == 2);
  g->Shutdown(Unavailable("daemon stopping"));
  CHECK(a.Get().first.code() == StatusCode::kUnavailable);
  CHECK(s.Get().first.code() == StatusCode::kUnavailable);
  FlightDump dump = g->Dump().flight;
  REQUIRE(dump.ops.size() == 2);
  for (const OpRecord& op : dump.ops) {
    CHECK(op.code == StatusCode::kUnavailable);
    CHECK(op.message == "daemon stopping");
    CHECK(Ranks(op) == std::vector<uint32_t>{0});
  }
  const OpRecord& p2p =
      dump.ops[0].kind == CollectiveKind::kSend ? dump.ops[0] : dump.ops[1];
  CHECK(p2p.kind == CollectiveKind::kSend);
  CHECK(p2p.seq == 0);
  CHECK(p2p.peer == 1);
  CHECK(g->WaitStopped(Clock::now() + 5s));
}

TEST_CASE("A draining group finishes started ops and refuses new ones",
          "[group][drain]") {
  RecordingEngine engine;
  auto g = ReadyGroup(&engine, 2);
  Result started0, started1, new0, new1;
  g->Submit(0, MakeArrival(CollectiveKind::kAllReduce, 4, started0.Done()));
  g->Drain(Unavailable("ccsd is draining"));
  CHECK(g->InFlightOps() == 1);
  g->Submit(1, MakeArrival(CollectiveKind::kAllReduce, 4, started1.Done()));
  CHECK(started0.Get().first.ok());
  CHECK(started1.Get().first.ok());
  g->Submit(1, MakeArrival(CollectiveKind::kBarrier, 0, new1.Done()));
  auto [status, seq] = new1.Get();
  CHECK(status.code() == StatusCode::kUnavailable);
  CHECK(status.message() == "ccsd is draining");
  g->Submit(0, MakeArrival(CollectiveKind::kBarrier, 0, new0.Done()));
  CHECK(new0.Get().first.code() == StatusCode::kUnavailable);
  CHECK(engine.kinds == std::vector{CollectiveKind::kAllReduce});
  // The executor counts an op until it has answered every rank.
  CHECK(testing::Eventually([&] { return g->InFlightOps() == 0; }));
  g->Shutdown(Unavailable("test over"));
}

TEST_CASE("A draining group lets a send meet its queued recv", "[group][drain]") {
  RecordingEngine engine;
  auto g = ReadyGroup(&engine, 2);
  Result s, r, lone;
  Arrival recv = MakeArrival(CollectiveKind::kRecv, 4, r.Done());
  recv.call.peer = 0;
  g->Submit(1, std::move(recv));
  g->Drain(Unavailable("draining"));
  Arrival send = MakeArrival(CollectiveKind::kSend, 4, s.Done());
  send.call.peer = 1;
  g->Submit(0, std::move(send));
  CHECK(s.Get().first.ok());
  CHECK(r.Get().first.ok());
  Arrival another = MakeArrival(CollectiveKind::kSend, 4, lone.Done());
  another.call.peer = 1;
  g->Submit(0, std::move(another));
  CHECK(lone.Get().first.code() == StatusCode::kUnavailable);
  g->Shutdown(Unavailable("test over"));
}

}  // namespace
}  // namespace ccs
