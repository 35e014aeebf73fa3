#include "group_test_support.h"

#include <thread>

namespace ccs::testing {

using namespace std::chrono_literals;

Status RecordingEngine::Execute(const OpPlan& plan) {
  std::lock_guard lock(mu_);
  kinds.push_back(plan.kind);
  return Status::Ok();
}

Session MakeSession(uint64_t id, int32_t pid) {
  Session s;
  s.id = id;
  s.identity.pid = pid;
  s.identity.has_credentials = true;
  return s;
}

CollectiveDone Result::Done() {
  return [p = promise](const Status& s, uint64_t seq) { p->set_value({s, seq}); };
}

bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

std::pair<Status, uint64_t> Result::Get() {
  REQUIRE(future.wait_for(5s) == std::future_status::ready);
  return future.get();
}

Arrival MakeArrival(CollectiveKind kind, uint64_t count, CollectiveDone done,
                    std::chrono::milliseconds timeout) {
  Arrival a;
  a.call.kind = kind;
  a.call.count = count;
  a.arrived = Clock::now();
  a.deadline = a.arrived + timeout;
  a.done = std::move(done);
  return a;
}

std::shared_ptr<Group> ReadyGroup(Engine* engine, uint32_t n, GroupHooks hooks) {
  auto g = Group::Create(1, "g", 1, n, engine, Clock::now() + 5s, nullptr, hooks);
  std::vector<std::promise<Status>> joined(n);
  for (uint32_t r = 0; r < n; ++r) {
    REQUIRE(g->Join(r, n, MakeSession(r + 1, 100 + r), Clock::now() + 5s,
                    [&joined, r](const Status& s, const JoinResult&) {
                      joined[r].set_value(s);
                    })
                .ok());
  }
  for (auto& p : joined) REQUIRE(p.get_future().get().ok());
  REQUIRE(g->state() == GroupState::kReady);
  return g;
}

}  // namespace ccs::testing
