// Helpers of the Group tests: an engine that only records what it ran,
// sessions, arrivals, op results as futures, and a READY group.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "daemon/core/group.h"

namespace ccs::testing {

// Runs nothing; remembers the kind of every plan. Thread-safe.
class RecordingEngine : public Engine {
 public:
  Status Execute(const OpPlan& plan) override;
  std::string_view Name() const override { return "recording"; }
  std::vector<CollectiveKind> kinds;
  std::mutex mu_;
};

Session MakeSession(uint64_t id, int32_t pid);

// A future for one op's result. The callback owns the promise, so the
// executor may still be inside set_value when the test has its result and
// destroys the Result.
struct Result {
  using Value = std::pair<Status, uint64_t>;
  std::shared_ptr<std::promise<Value>> promise = std::make_shared<std::promise<Value>>();
  std::future<Value> future = promise->get_future();
  CollectiveDone Done();
  // REQUIREs the result within 5 s.
  std::pair<Status, uint64_t> Get();
};

Arrival MakeArrival(CollectiveKind kind, uint64_t count, CollectiveDone done,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// Polls `done` until it returns true or 5 s passed.
bool Eventually(const std::function<bool()>& done);

// A group "g" of `n` ranks (sessions 1..n, pids 100..) that is READY.
std::shared_ptr<Group> ReadyGroup(Engine* engine, uint32_t n, GroupHooks hooks = {});

}  // namespace ccs::testing
