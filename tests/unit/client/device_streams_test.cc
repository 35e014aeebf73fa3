// DeviceStreams over a fake StreamEventApi and fake RPCs: one registration
// per (device, stream), record before and wait after each call, no wait when
// the call fails, and everything released with the DeviceStreams.
#include "client/src/device_streams.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "ccs/error.h"

namespace ccs {
namespace {

// Logs every CUDA call as one line, e.g. "record 0 ev1 s9".
struct Log {
  std::vector<std::string> lines;
  int next = 0;
};

std::string Name(void* p) { return "p" + std::to_string(reinterpret_cast<uintptr_t>(p)); }

class FakeEvents final : public StreamEventApi {
 public:
  explicit FakeEvents(Log* log) : log_(log) {}
  ExportedClientEvent CreateIpcEvent(int ordinal) override {
    void* e = reinterpret_cast<void*>(static_cast<uintptr_t>(++log_->next));
    log_->lines.push_back("create " + std::to_string(ordinal) + " " + Name(e));
    return {e, std::string(64, 'c'), std::string(16, static_cast<char>('0' + ordinal))};
  }
  void* OpenIpcEvent(int ordinal, const std::string& handle) override {
    void* e = reinterpret_cast<void*>(static_cast<uintptr_t>(100 + ++log_->next));
    log_->lines.push_back("open " + std::to_string(ordinal) + " " + handle.substr(0, 4) +
                          " " + Name(e));
    return e;
  }
  void DestroyEvent(int ordinal, void* event) noexcept override {
    log_->lines.push_back("destroy " + std::to_string(ordinal) + " " + Name(event));
  }
  void Record(int ordinal, void* event, void* stream) override {
    log_->lines.push_back("record " + std::to_string(ordinal) + " " + Name(event) + " " +
                          Name(stream));
  }
  void Wait(int ordinal, void* stream, void* event) override {
    log_->lines.push_back("wait " + std::to_string(ordinal) + " " + Name(stream) + " " +
                          Name(event));
  }
  void Synchronize(void* stream) override {
    log_->lines.push_back("sync " + Name(stream));
  }

 private:
  Log* log_;
};

struct Fixture {
  Fixture() {
    streams = std::make_unique<DeviceStreams>(
        std::make_unique<FakeEvents>(&log),
        [this](const std::string& handle, const std::string& uuid) {
          if (refuse) throw Error(Code::kFailedPrecondition, "no usable CUDA device");
          log.lines.push_back("register " + handle.substr(0, 2) + " " +
                              uuid.substr(0, 1));
          return DeviceStreams::Registration{++ids, "dddd" + std::string(60, 'x')};
        },
        [this](uint64_t id) { log.lines.push_back("unregister " + std::to_string(id)); });
  }
  uint64_t Call(int ordinal, uintptr_t stream, bool fail = false) {
    return streams->Run(ordinal, reinterpret_cast<void*>(stream), [&](uint64_t id) {
      log.lines.push_back("rpc " + std::to_string(id));
      if (fail) throw Error(Code::kInvalidArgument, "mismatch");
      return uint64_t{40 + id};
    });
  }
  Log log;
  uint64_t ids = 0;
  bool refuse = false;
  std::unique_ptr<DeviceStreams> streams;
};

TEST_CASE("a stream is registered once and each call is ordered on it",
          "[client][streams]") {
  Fixture f;
  CHECK(f.Call(0, 9) == 41);
  CHECK(f.Call(0, 9) == 41);
  CHECK(f.log.lines ==
        std::vector<std::string>{"create 0 p1", "register cc 0", "open 0 dddd p102",
                                 "record 0 p1 p9", "rpc 1", "wait 0 p9 p102",  //
                                 "record 0 p1 p9", "rpc 1", "wait 0 p9 p102"});
  CHECK(f.streams->registered() == 1);
}

TEST_CASE("each (device, stream) pair has its own registration", "[client][streams]") {
  Fixture f;
  f.Call(0, 9);
  f.Call(0, 8);
  f.Call(1, 9);
  f.Call(0, 0);  // the legacy default stream
  CHECK(f.streams->registered() == 4);
  CHECK(f.ids == 4);
}

TEST_CASE("a failed call leaves the stream without a wait", "[client][streams]") {
  Fixture f;
  f.Call(0, 9);
  f.log.lines.clear();
  CHECK_THROWS_AS(f.Call(0, 9, /*fail=*/true), Error);
  CHECK(f.log.lines == std::vector<std::string>{"record 0 p1 p9", "rpc 1"});
  CHECK(f.Call(0, 9) == 41);  // the registration is still usable
}

TEST_CASE("a refused registration destroys the event and registers nothing",
          "[client][streams]") {
  Fixture f;
  f.refuse = true;
  try {
    f.Call(0, 9);
    FAIL("expected the registration to throw");
  } catch (const Error& e) {
    CHECK(e.code() == Code::kFailedPrecondition);
  }
  CHECK(f.log.lines == std::vector<std::string>{"create 0 p1", "destroy 0 p1"});
  CHECK(f.streams->registered() == 0);
}

TEST_CASE("destroying DeviceStreams unregisters and destroys both events",
          "[client][streams]") {
  Fixture f;
  f.Call(2, 9);
  f.log.lines.clear();
  f.streams.reset();
  CHECK(f.log.lines ==
        std::vector<std::string>{"unregister 1", "destroy 2 p102", "destroy 2 p1"});
}

TEST_CASE("Synchronize waits on the given stream", "[client][streams]") {
  Fixture f;
  f.streams->Synchronize(reinterpret_cast<void*>(7));
  CHECK(f.log.lines == std::vector<std::string>{"sync p7"});
}

}  // namespace
}  // namespace ccs
