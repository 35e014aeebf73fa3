// ApplyStreamOrder: what a call's stream_id does to one rank's resolved op.
// The resolver is a fake over a map (the daemon's is cuda::StreamTable).
#include "daemon/core/stream_order.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace ccs {
namespace {

// Streams of session 7: stream 1 on GPU 0, stream 2 on GPU 1.
struct Fixture {
  Fixture() {
    resolver = [this](uint64_t session, uint64_t stream) -> StatusOr<StreamOrder> {
      ++lookups;
      auto it = streams.find(stream);
      if (session != 7 || it == streams.end()) {
        return NotFound("stream " + std::to_string(stream) + " is not registered");
      }
      return it->second;
    };
    streams[1] = StreamOrder{0, &ready[0], &done[0], std::make_shared<int>(1)};
    streams[2] = StreamOrder{1, &ready[1], &done[1], std::make_shared<int>(2)};
  }
  int ready[2] = {};
  int done[2] = {};
  std::map<uint64_t, StreamOrder> streams;
  StreamResolver resolver;
  int lookups = 0;
  std::vector<std::shared_ptr<const void>> keepalive;
};

std::byte device_memory[64];

RankIo DeviceIo(int32_t gpu) {
  RankIo io;
  io.in = device_memory;
  io.out = device_memory + 32;
  io.gpu = gpu;
  return io;
}

bool Mentions(const Status& s, const std::string& text) {
  return s.message().find(text) != std::string::npos;
}

TEST_CASE("stream 0 leaves the op unordered", "[core][stream_order]") {
  Fixture f;
  RankIo io = DeviceIo(0);
  REQUIRE(ApplyStreamOrder(f.resolver, 7, 0, io, f.keepalive).ok());
  CHECK(io.ready_event == nullptr);
  CHECK(io.done_event == nullptr);
  CHECK(f.keepalive.empty());
  CHECK(f.lookups == 0);
  // Also without a resolver (no GPU), and with host memory.
  RankIo host;
  host.out = device_memory;
  CHECK(ApplyStreamOrder(nullptr, 7, 0, host, f.keepalive).ok());
}

TEST_CASE("a device op on its GPU's stream gets the stream's events and keepalive",
          "[core][stream_order]") {
  Fixture f;
  RankIo io = DeviceIo(1);
  REQUIRE(ApplyStreamOrder(f.resolver, 7, 2, io, f.keepalive).ok());
  CHECK(io.ready_event == &f.ready[1]);
  CHECK(io.done_event == &f.done[1]);
  CHECK(io.gpu == 1);
  REQUIRE(f.keepalive.size() == 1);
  CHECK(f.keepalive[0] == f.streams[2].keepalive);
}

TEST_CASE("a stream on another GPU than the buffers is refused naming both",
          "[core][stream_order]") {
  Fixture f;
  RankIo io = DeviceIo(0);
  Status s = ApplyStreamOrder(f.resolver, 7, 2, io, f.keepalive);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(Mentions(s, "buffers are on GPU 0"));
  CHECK(Mentions(s, "stream 2 is on GPU 1"));
  CHECK(io.ready_event == nullptr);
  CHECK(f.keepalive.empty());
}

TEST_CASE("a stream with host buffers is refused before any lookup",
          "[core][stream_order]") {
  Fixture f;
  RankIo io;
  io.out = device_memory;  // host memory: gpu stays -1
  Status s = ApplyStreamOrder(f.resolver, 7, 1, io, f.keepalive);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(Mentions(s, "host memory"));
  CHECK(f.lookups == 0);
  CHECK(io.gpu == -1);
}

TEST_CASE("an op without buffers takes its GPU from the stream", "[core][stream_order]") {
  Fixture f;
  RankIo barrier;
  REQUIRE(ApplyStreamOrder(f.resolver, 7, 2, barrier, f.keepalive).ok());
  CHECK(barrier.gpu == 1);
  CHECK(barrier.done_event == &f.done[1]);
}

TEST_CASE("unknown streams and a missing resolver are errors", "[core][stream_order]") {
  Fixture f;
  RankIo io = DeviceIo(0);
  Status other_session = ApplyStreamOrder(f.resolver, 8, 1, io, f.keepalive);
  CHECK(other_session.code() == StatusCode::kNotFound);
  Status unknown = ApplyStreamOrder(f.resolver, 7, 9, io, f.keepalive);
  CHECK(unknown.code() == StatusCode::kNotFound);
  CHECK(Mentions(unknown, "stream 9"));
  Status no_gpu = ApplyStreamOrder(nullptr, 7, 1, io, f.keepalive);
  CHECK(no_gpu.code() == StatusCode::kFailedPrecondition);
  CHECK(Mentions(no_gpu, "stream 1"));
  CHECK(io.ready_event == nullptr);
  CHECK(f.keepalive.empty());
}

}  // namespace
}  // namespace ccs
