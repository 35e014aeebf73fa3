// StreamTable over the fake event opener: one open and one create per
// registration, lookups only by the registering session, events kept open
// by an op's keepalive past Unregister, DropSession, the per-session limit,
// bad handles and unknown GPUs.
#include "daemon/engine/cuda/stream_table.h"

#include <catch2/catch.hpp>
#include <string>

#include "tests/unit/engine/cuda/fake_ipc_event_opener.h"

namespace ccs::cuda {
namespace {

LocalDevice Gpu(uint8_t tag, int ordinal) {
  LocalDevice d;
  d.uuid.bytes.fill(tag);
  d.ordinal = ordinal;
  return d;
}

IpcEventDesc Event(uint8_t gpu, uint8_t handle) {
  IpcEventDesc e;
  e.device.bytes.fill(gpu);
  e.handle.fill(handle);
  return e;
}

// A table over two fake GPUs: tag 1 at ordinal 3 (index 0), tag 2 at
// ordinal 5 (index 1).
struct Fixture {
  Fixture()
      : opener(std::make_shared<FakeIpcEventOpener>()),
        table(std::make_unique<StreamTable>(opener, std::vector{Gpu(1, 3), Gpu(2, 5)})) {}
  std::shared_ptr<FakeIpcEventOpener> opener;  // shared, so tests see it after the table
  std::unique_ptr<StreamTable> table;
};

bool Mentions(const Status& s, const std::string& text) {
  return s.message().find(text) != std::string::npos;
}

TEST_CASE("registering a stream opens the client event and creates the daemon's once",
          "[cuda][streams]") {
  Fixture f;
  auto reg = f.table->Register(7, Event(2, 9));
  REQUIRE(reg.ok());
  CHECK(reg->stream_id != 0);
  CHECK(reg->daemon_event.device == Gpu(2, 5).uuid);
  CHECK(reg->daemon_event.handle[0] == 0x41);
  CHECK(f.opener->opens == 1);
  CHECK(f.opener->creates == 1);
  for (int i = 0; i < 3; ++i) {
    auto events = f.table->Lookup(7, reg->stream_id);
    REQUIRE(events.ok());
    CHECK(events->gpu == 1);
    CHECK(f.opener->live.at(events->ready) == 5);
    CHECK(f.opener->live.at(events->done) == 5);
    CHECK(events->ready != events->done);
  }
  CHECK(f.opener->opens == 1);  // lookups open nothing
  CHECK(f.opener->creates == 1);
  auto second = f.table->Register(7, Event(2, 9));
  REQUIRE(second.ok());
  CHECK(second->stream_id != reg->stream_id);
  CHECK(f.table->registered() == 2);
}

TEST_CASE("a stream is found only by the session that registered it", "[cuda][streams]") {
  Fixture f;
  auto reg = f.table->Register(7, Event(1, 9));
  REQUIRE(reg.ok());
  auto other = f.table->Lookup(8, reg->stream_id);
  CHECK(other.status().code() == StatusCode::kNotFound);
  CHECK(Mentions(other.status(), "stream " + std::to_string(reg->stream_id)));
  CHECK(f.table->Lookup(7, reg->stream_id + 100).status().code() ==
        StatusCode::kNotFound);
  CHECK(f.table->Unregister(8, reg->stream_id).code() == StatusCode::kNotFound);
  CHECK(f.table->Lookup(7, reg->stream_id).ok());
}

TEST_CASE("unregistering keeps the events open until the op's keepalive goes",
          "[cuda][streams]") {
  Fixture f;
  auto reg = f.table->Register(7, Event(1, 9));
  REQUIRE(reg.ok());
  auto events = f.table->Lookup(7, reg->stream_id);
  REQUIRE(events.ok());
  REQUIRE(f.table->Unregister(7, reg->stream_id).ok());
  CHECK(f.table->Lookup(7, reg->stream_id).status().code() == StatusCode::kNotFound);
  CHECK(f.opener->closed.empty());
  CHECK(f.opener->destroyed.empty());
  CHECK(f.opener->live.size() == 2);
  events->keepalive.reset();
  REQUIRE(f.opener->closed.size() == 1);
  CHECK(f.opener->closed[0] == events->ready);
  REQUIRE(f.opener->destroyed.size() == 1);
  CHECK(f.opener->destroyed[0] == events->done);
  CHECK(f.opener->live.empty());
  CHECK(f.table->Unregister(7, reg->stream_id).code() == StatusCode::kNotFound);
}

TEST_CASE("keepalives may outlive the table", "[cuda][streams]") {
  Fixture f;
  auto reg = f.table->Register(7, Event(1, 9));
  REQUIRE(reg.ok());
  auto events = f.table->Lookup(7, reg->stream_id);
  REQUIRE(events.ok());
  f.table.reset();
  CHECK(f.opener->live.size() == 2);
  events->keepalive.reset();
  CHECK(f.opener->closed.size() == 1);
  CHECK(f.opener->destroyed.size() == 1);
  CHECK(f.opener->live.empty());
}

TEST_CASE("dropping a session releases all of its streams", "[cuda][streams]") {
  Fixture f;
  REQUIRE(f.table->Register(7, Event(1, 9)).ok());
  REQUIRE(f.table->Register(7, Event(2, 9)).ok());
  auto kept = f.table->Register(8, Event(1, 9));
  REQUIRE(kept.ok());
  f.table->DropSession(7);
  CHECK(f.opener->closed.size() == 2);
  CHECK(f.opener->destroyed.size() == 2);
  CHECK(f.table->registered() == 1);
  CHECK(f.table->Lookup(8, kept->stream_id).ok());
  f.table->DropSession(99);  // unknown: nothing
  CHECK(f.table->registered() == 1);
}

TEST_CASE("a session holds at most kMaxStreamsPerSession streams", "[cuda][streams]") {
  Fixture f;
  for (size_t i = 0; i < StreamTable::kMaxStreamsPerSession; ++i) {
    REQUIRE(f.table->Register(7, Event(1, 9)).ok());
  }
  auto over = f.table->Register(7, Event(1, 9));
  CHECK(over.status().code() == StatusCode::kResourceExhausted);
  CHECK(Mentions(over.status(), "kMaxStreamsPerSession = 64"));
  CHECK(f.opener->opens == 64);                   // refused before opening anything
  CHECK(f.table->Register(8, Event(1, 9)).ok());  // another session is not limited
  auto first = f.table->Lookup(7, 1);
  REQUIRE(first.ok());
  first->keepalive.reset();
  REQUIRE(f.table->Unregister(7, 1).ok());
  CHECK(f.table->Register(7, Event(1, 9)).ok());  // room again
}

TEST_CASE("bad handles, unknown GPUs and failed opens register nothing",
          "[cuda][streams]") {
  Fixture f;
  auto zero = f.table->Register(7, Event(1, 0));
  CHECK(zero.status().code() == StatusCode::kInvalidArgument);
  CHECK(Mentions(zero.status(), "event_handle is all zero"));
  auto no_gpu = f.table->Register(7, Event(0, 9));
  CHECK(no_gpu.status().code() == StatusCode::kInvalidArgument);
  auto unknown = f.table->Register(7, Event(3, 9));
  CHECK(unknown.status().code() == StatusCode::kNotFound);
  CHECK(Mentions(unknown.status(), FormatDeviceUuid(Event(3, 9).device)));
  CHECK(f.opener->opens == 0);

  f.opener->fail_open = true;
  CHECK(f.table->Register(7, Event(1, 9)).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(f.opener->creates == 0);
  f.opener->fail_open = false;
  f.opener->fail_create = true;
  CHECK(f.table->Register(7, Event(1, 9)).status().code() == StatusCode::kInternal);
  CHECK(f.opener->closed.size() == 1);  // the opened client event was closed again
  CHECK(f.opener->live.empty());
  CHECK(f.table->registered() == 0);
}

}  // namespace
}  // namespace ccs::cuda
