#include "daemon/meta/blocking_runner.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <latch>

namespace ccs::meta {

TEST_CASE("jobs that wait for each other all run at once", "[meta]") {
  BlockingRunner runner(16);
  constexpr int kJobs = 8;
  std::latch all_started(kJobs);
  std::atomic<int> done = 0;
  for (int i = 0; i < kJobs; ++i) {
    REQUIRE(
        runner
            .Run([&] {
              all_started.arrive_and_wait();  // deadlocks unless every job has a thread
              ++done;
            })
            .ok());
  }
  REQUIRE(runner.WaitIdle(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  CHECK(done == kJobs);
}

TEST_CASE("past its job limit the runner refuses with RESOURCE_EXHAUSTED", "[meta]") {
  BlockingRunner runner(2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  REQUIRE(runner.Run([gate] { gate.wait(); }).ok());
  REQUIRE(runner.Run([gate] { gate.wait(); }).ok());
  Status third = runner.Run([] {});
  CHECK(third.code() == StatusCode::kResourceExhausted);
  release.set_value();
  REQUIRE(runner.WaitIdle(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  CHECK(runner.Run([] {}).ok());
}

}  // namespace ccs::meta
