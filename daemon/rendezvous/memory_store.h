// MemoryStore: the embedded, in-process Store. The rendezvous root daemon
// holds one and serves it to the other daemons (store_service.h); every
// other daemon reaches it through RemoteStore.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "daemon/rendezvous/store.h"

namespace ccs::rendezvous {

// Limits of one MemoryStore; a call past one fails with RESOURCE_EXHAUSTED
// (or INVALID_ARGUMENT for an oversized key) naming the limit.
struct MemoryStoreOptions {
  size_t max_keys = 1'000'000;
  size_t max_key_bytes = 4096;
  size_t max_value_bytes = 1 << 20;
};

// All state lives behind one mutex. Expired keys are removed lazily on access
// and by a timer thread at their expiry, so memory does not grow with keys
// nobody reads again. Waits are indexed by the first key they still miss and
// re-examined only when that key appears: no polling, no busy loops.
class MemoryStore final : public Store {
 public:
  using WaitId = uint64_t;
  // Receives the outcome of an asynchronous wait (see WaitAsync).
  using WaitDone = std::function<void(const Status&)>;

  explicit MemoryStore(MemoryStoreOptions options = {});
  // Completes every pending asynchronous wait with UNAVAILABLE and stops the
  // timer thread. No other call may be in progress or made afterwards.
  ~MemoryStore() override;

  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  Status Set(std::string_view key, std::string_view value, Ttl ttl) override;
  StatusOr<std::string> Get(std::string_view key) override;
  // Blocks the calling thread (on a future) until the keys exist or the
  // deadline passes; see Store::Wait.
  Status Wait(const std::vector<std::string>& keys, Deadline deadline) override;
  StatusOr<int64_t> Add(std::string_view key, int64_t delta) override;
  StatusOr<CasResult> CompareAndSet(std::string_view key, std::string_view expected,
                                    std::string_view desired, Ttl ttl) override;
  StatusOr<bool> Delete(std::string_view key) override;

  // Wait without blocking, for callers that must not hold a thread (the gRPC
  // adapter). `done` runs exactly once, unless CancelWait removes the wait
  // first, with the status Wait would have returned. It runs without the
  // store's lock, on the calling thread (if the outcome is known at once),
  // on the thread whose Set/Add/CompareAndSet completed the wait, or on the
  // store's timer thread (deadline); it must not block and must not call
  // CancelWait for its own id. Returns an id for CancelWait.
  WaitId WaitAsync(std::vector<std::string> keys, Deadline deadline, WaitDone done);

  // Removes a pending asynchronous wait. True if it was still pending: its
  // `done` will never run. False if it already completed or is completing:
  // its `done` has run or is about to run.
  bool CancelWait(WaitId id);

  // The number of keys that exist now (expired keys not counted).
  size_t KeyCount();

 private:
  struct Entry {
    std::string value;
    // Position in expiries_, or nullopt for a key without expiry.
    std::optional<std::multimap<Deadline, std::string>::iterator> expiry;
  };
  struct Waiter {
    std::vector<std::string> keys;
    size_t cursor = 0;  // index of the key the waiter is registered under
    Clock::time_point started;
    Deadline deadline;
    std::multimap<Deadline, WaitId>::iterator deadline_pos;
    WaitDone done;
  };
  // A wait's callback and outcome, run after the lock is released.
  struct Completion {
    WaitDone done;
    Status status;
  };
  using Completions = std::vector<Completion>;

  Status CheckKey(std::string_view key) const;
  Status CheckValue(std::string_view key, std::string_view value) const;
  Status CheckTtl(std::string_view key, Ttl ttl) const;
  // The live entry for `key`, or nullptr; erases it if it has expired.
  Entry* FindLive(std::string_view key, Clock::time_point now);
  // Creates or replaces `key`, then completes the waits it satisfies.
  // The caller has checked the arguments.
  Status Put(std::string_view key, std::string_view value, Ttl ttl, Clock::time_point now,
             Completions* out);
  void Erase(std::map<std::string, Entry, std::less<>>::iterator it);
  void ClearExpiry(Entry& entry);
  // Erases every key whose expiry is at or before `now`.
  void PurgeExpired(Clock::time_point now);
  // Registers the waiter under its first missing key; true if none is missing.
  bool Advance(WaitId id, Waiter& waiter, Clock::time_point now);
  void KeyAppeared(std::string_view key, Clock::time_point now, Completions* out);
  // Removes a pending wait from every index; returns it.
  Waiter Remove(WaitId id);
  Status DeadlineStatus(const Waiter& waiter, Clock::time_point now);
  void WakeTimerBy(Deadline when);
  void TimerLoop();
  static void Run(Completions completions);

  const MemoryStoreOptions options_;
  std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::multimap<Deadline, std::string> expiries_;
  std::unordered_map<WaitId, Waiter> waiters_;
  std::map<std::string, std::vector<WaitId>, std::less<>> waiting_on_;
  std::multimap<Deadline, WaitId> wait_deadlines_;
  WaitId next_wait_id_ = 1;
  bool stopping_ = false;
  std::condition_variable timer_cv_;
  std::thread timer_;
};

}  // namespace ccs::rendezvous
