#include "daemon/rendezvous/memory_store.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <future>
#include <memory>
#include <utility>

namespace ccs::rendezvous {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// The timer thread and blocked Wait calls wake at least this often, so that a
// far-away deadline never reaches the clock arithmetic of the C++ library.
constexpr auto kMaxSleep = std::chrono::hours(1);
// Longer times to live are refused (they would overflow the clock).
constexpr Store::Ttl kMaxTtl = std::chrono::hours(24 * 366 * 10);
// Error messages name at most this many keys.
constexpr size_t kMaxNamedKeys = 16;

std::string Quoted(std::string_view key) {
  constexpr size_t kMaxShown = 128;
  if (key.size() <= kMaxShown) return "'" + std::string(key) + "'";
  return "'" + std::string(key.substr(0, kMaxShown)) + "...' (" +
         std::to_string(key.size()) + " bytes)";
}

std::string NameKeys(const std::vector<std::string_view>& keys) {
  std::string names;
  for (size_t i = 0; i < keys.size() && i < kMaxNamedKeys; ++i) {
    if (i > 0) names += ", ";
    names += Quoted(keys[i]);
  }
  if (keys.size() > kMaxNamedKeys) {
    names += " and " + std::to_string(keys.size() - kMaxNamedKeys) + " more";
  }
  return names;
}

}  // namespace

MemoryStore::MemoryStore(MemoryStoreOptions options)
    : options_(options), timer_([this] { TimerLoop(); }) {}

MemoryStore::~MemoryStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  timer_.join();
  Completions out;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, waiter] : waiters_) {
      std::vector<std::string_view> keys(waiter.keys.begin(), waiter.keys.end());
      out.push_back(
          {std::move(waiter.done),
           Unavailable("the rendezvous store shut down while waiting for keys " +
                       NameKeys(keys))});
    }
    waiters_.clear();
    waiting_on_.clear();
    wait_deadlines_.clear();
  }
  Run(std::move(out));
}

Status MemoryStore::CheckKey(std::string_view key) const {
  if (key.empty()) return InvalidArgument("store key is empty; every key needs a name");
  if (key.size() > options_.max_key_bytes) {
    return InvalidArgument("store key " + Quoted(key) + " is longer than the limit of " +
                           std::to_string(options_.max_key_bytes) + " bytes");
  }
  return Status::Ok();
}

Status MemoryStore::CheckValue(std::string_view key, std::string_view value) const {
  if (value.size() <= options_.max_value_bytes) return Status::Ok();
  return ResourceExhausted("value for store key " + Quoted(key) + " is " +
                           std::to_string(value.size()) +
                           " bytes; the store's limit is " +
                           std::to_string(options_.max_value_bytes) + " bytes");
}

Status MemoryStore::CheckTtl(std::string_view key, Ttl ttl) const {
  if (ttl >= Ttl::zero() && ttl <= kMaxTtl) return Status::Ok();
  return InvalidArgument("time to live of " + std::to_string(ttl.count()) +
                         " ms for store key " + Quoted(key) +
                         " is outside 0 (no expiry) .. 10 years");
}

MemoryStore::Entry* MemoryStore::FindLive(std::string_view key, Clock::time_point now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.expiry && (*it->second.expiry)->first <= now) {
    Erase(it);
    return nullptr;
  }
  return &it->second;
}

void MemoryStore::ClearExpiry(Entry& entry) {
  if (!entry.expiry) return;
  expiries_.erase(*entry.expiry);
  entry.expiry.reset();
}

void MemoryStore::Erase(std::map<std::string, Entry, std::less<>>::iterator it) {
  ClearExpiry(it->second);
  entries_.erase(it);
}

void MemoryStore::PurgeExpired(Clock::time_point now) {
  while (!expiries_.empty() && expiries_.begin()->first <= now) {
    auto it = entries_.find(expiries_.begin()->second);
    assert(it != entries_.end());
    Erase(it);
  }
}

Status MemoryStore::Put(std::string_view key, std::string_view value, Ttl ttl,
                        Clock::time_point now, Completions* out) {
  Entry* entry = FindLive(key, now);
  if (entry == nullptr) {
    if (entries_.size() >= options_.max_keys) PurgeExpired(now);
    if (entries_.size() >= options_.max_keys) {
      return ResourceExhausted(
          "the rendezvous store holds its limit of " + std::to_string(options_.max_keys) +
          " keys; cannot add " + Quoted(key) +
          "; delete keys no longer needed or give them a time to live");
    }
    entry = &entries_.emplace(std::string(key), Entry{}).first->second;
  } else {
    ClearExpiry(*entry);
  }
  entry->value.assign(value);
  if (ttl > Ttl::zero()) {
    const Deadline at = now + ttl;
    WakeTimerBy(at);
    entry->expiry = expiries_.emplace(at, std::string(key));
  }
  KeyAppeared(key, now, out);
  return Status::Ok();
}

bool MemoryStore::Advance(WaitId id, Waiter& waiter, Clock::time_point now) {
  // Start at the key that was missing: earlier keys are re-checked last, in
  // case one of them expired or was deleted meanwhile.
  const size_t n = waiter.keys.size();
  for (size_t step = 0; step < n; ++step) {
    const size_t i = (waiter.cursor + step) % n;
    if (FindLive(waiter.keys[i], now) == nullptr) {
      waiter.cursor = i;
      waiting_on_[waiter.keys[i]].push_back(id);
      return false;
    }
  }
  return true;
}

void MemoryStore::KeyAppeared(std::string_view key, Clock::time_point now,
                              Completions* out) {
  auto node = waiting_on_.find(key);
  if (node == waiting_on_.end()) return;
  std::vector<WaitId> ids = std::move(node->second);
  waiting_on_.erase(node);
  for (WaitId id : ids) {
    auto it = waiters_.find(id);
    assert(it != waiters_.end());
    if (!Advance(id, it->second, now)) continue;
    wait_deadlines_.erase(it->second.deadline_pos);
    out->push_back({std::move(it->second.done), Status::Ok()});
    waiters_.erase(it);
  }
}

MemoryStore::Waiter MemoryStore::Remove(WaitId id) {
  auto it = waiters_.find(id);
  assert(it != waiters_.end());
  Waiter waiter = std::move(it->second);
  waiters_.erase(it);
  wait_deadlines_.erase(waiter.deadline_pos);
  auto node = waiting_on_.find(waiter.keys[waiter.cursor]);
  if (node != waiting_on_.end()) {
    std::erase(node->second, id);
    if (node->second.empty()) waiting_on_.erase(node);
  }
  return waiter;
}

Status MemoryStore::DeadlineStatus(const Waiter& waiter, Clock::time_point now) {
  std::vector<std::string_view> missing;
  for (const std::string& key : waiter.keys) {
    if (FindLive(key, now) == nullptr) missing.push_back(key);
  }
  if (missing.empty()) return Status::Ok();
  const auto waited = duration_cast<milliseconds>(now - waiter.started).count();
  return DeadlineExceeded(
      "waited " + std::to_string(waited) + " ms for " +
      std::to_string(waiter.keys.size()) + " store key(s); " +
      std::to_string(missing.size()) +
      " still missing at the deadline: " + NameKeys(missing) +
      ". Whoever should set them has not (is it running, and using the same "
      "rendezvous store?); start it or raise the timeout");
}

void MemoryStore::WakeTimerBy(Deadline when) {
  const bool earliest =
      (wait_deadlines_.empty() || when < wait_deadlines_.begin()->first) &&
      (expiries_.empty() || when < expiries_.begin()->first);
  if (earliest) timer_cv_.notify_one();
}

void MemoryStore::TimerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const Clock::time_point now = Clock::now();
    PurgeExpired(now);
    Completions out;
    while (!wait_deadlines_.empty() && wait_deadlines_.begin()->first <= now) {
      Waiter waiter = Remove(wait_deadlines_.begin()->second);
      out.push_back({std::move(waiter.done), DeadlineStatus(waiter, now)});
    }
    if (!out.empty()) {
      lock.unlock();
      Run(std::move(out));
      lock.lock();
      continue;
    }
    Deadline next = now + kMaxSleep;
    if (!wait_deadlines_.empty()) next = std::min(next, wait_deadlines_.begin()->first);
    if (!expiries_.empty()) next = std::min(next, expiries_.begin()->first);
    timer_cv_.wait_until(lock, next);
  }
}

void MemoryStore::Run(Completions completions) {
  for (Completion& c : completions) c.done(c.status);
}

Status MemoryStore::Set(std::string_view key, std::string_view value, Ttl ttl) {
  RETURN_IF_ERROR(CheckKey(key));
  RETURN_IF_ERROR(CheckValue(key, value));
  RETURN_IF_ERROR(CheckTtl(key, ttl));
  Completions out;
  Status status;
  {
    std::lock_guard lock(mu_);
    status = Put(key, value, ttl, Clock::now(), &out);
  }
  Run(std::move(out));
  return status;
}

StatusOr<std::string> MemoryStore::Get(std::string_view key) {
  RETURN_IF_ERROR(CheckKey(key));
  std::lock_guard lock(mu_);
  const Entry* entry = FindLive(key, Clock::now());
  if (entry == nullptr) {
    return NotFound("store key " + Quoted(key) +
                    " does not exist (never set, deleted or expired); Wait for it first "
                    "if another process sets it");
  }
  return entry->value;
}

MemoryStore::WaitId MemoryStore::WaitAsync(std::vector<std::string> keys,
                                           Deadline deadline, WaitDone done) {
  for (const std::string& key : keys) {
    if (Status s = CheckKey(key); !s.ok()) {
      done(s);
      return 0;
    }
  }
  Completions out;
  WaitId id = 0;
  {
    std::lock_guard lock(mu_);
    const Clock::time_point now = Clock::now();
    id = next_wait_id_++;
    Waiter& waiter = waiters_[id];
    waiter.keys = std::move(keys);
    waiter.started = now;
    waiter.deadline = deadline;
    waiter.done = std::move(done);
    waiter.deadline_pos = wait_deadlines_.end();
    if (Advance(id, waiter, now)) {
      out.push_back({std::move(waiter.done), Status::Ok()});
      waiters_.erase(id);
    } else {
      WakeTimerBy(deadline);
      waiter.deadline_pos = wait_deadlines_.emplace(deadline, id);
      if (deadline <= now) {
        Waiter expired = Remove(id);
        out.push_back({std::move(expired.done), DeadlineStatus(expired, now)});
      }
    }
  }
  Run(std::move(out));
  return id;
}

bool MemoryStore::CancelWait(WaitId id) {
  std::lock_guard lock(mu_);
  if (!waiters_.contains(id)) return false;
  Remove(id);
  return true;
}

Status MemoryStore::Wait(const std::vector<std::string>& keys, Deadline deadline) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> future = promise->get_future();
  const WaitId id =
      WaitAsync(keys, deadline, [promise](const Status& s) { promise->set_value(s); });
  while (future.wait_until(std::min(deadline, Clock::now() + kMaxSleep)) !=
         std::future_status::ready) {
    if (Clock::now() < deadline) continue;
    // Normally the timer thread completes the wait at the deadline; take it
    // over if it has not yet.
    std::lock_guard lock(mu_);
    if (!waiters_.contains(id)) break;
    const Waiter waiter = Remove(id);
    return DeadlineStatus(waiter, Clock::now());
  }
  return future.get();
}

StatusOr<int64_t> MemoryStore::Add(std::string_view key, int64_t delta) {
  RETURN_IF_ERROR(CheckKey(key));
  Completions out;
  int64_t next = 0;
  {
    std::lock_guard lock(mu_);
    const Clock::time_point now = Clock::now();
    Entry* entry = FindLive(key, now);
    int64_t current = 0;
    if (entry != nullptr) {
      const std::string& v = entry->value;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), current);
      if (ec != std::errc() || end != v.data() + v.size()) {
        return FailedPrecondition(
            "store key " + Quoted(key) + " holds a value that is not a decimal int64 (" +
            std::to_string(v.size()) + " bytes); Add works only on counter keys");
      }
    }
    if (__builtin_add_overflow(current, delta, &next)) {
      return Status(StatusCode::kOutOfRange,
                    "adding " + std::to_string(delta) + " to store key " + Quoted(key) +
                        " (now " + std::to_string(current) + ") overflows int64");
    }
    if (entry != nullptr) {
      entry->value =
          std::to_string(next);  // an existing key: no wait is registered on it
    } else {
      RETURN_IF_ERROR(Put(key, std::to_string(next), kNoExpiry, now, &out));
    }
  }
  Run(std::move(out));
  return next;
}

StatusOr<Store::CasResult> MemoryStore::CompareAndSet(std::string_view key,
                                                      std::string_view expected,
                                                      std::string_view desired, Ttl ttl) {
  RETURN_IF_ERROR(CheckKey(key));
  RETURN_IF_ERROR(CheckValue(key, desired));
  RETURN_IF_ERROR(CheckTtl(key, ttl));
  Completions out;
  CasResult result;
  {
    std::lock_guard lock(mu_);
    const Clock::time_point now = Clock::now();
    const Entry* entry = FindLive(key, now);
    const bool matches = entry == nullptr ? expected.empty()
                                          : !expected.empty() && entry->value == expected;
    if (!matches) {
      if (entry != nullptr) result.current = entry->value;
      return result;
    }
    RETURN_IF_ERROR(Put(key, desired, ttl, now, &out));
    result.swapped = true;
    result.current = std::string(desired);
  }
  Run(std::move(out));
  return result;
}

StatusOr<bool> MemoryStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(CheckKey(key));
  std::lock_guard lock(mu_);
  if (FindLive(key, Clock::now()) == nullptr) return false;
  Erase(entries_.find(key));
  return true;
}

size_t MemoryStore::KeyCount() {
  std::lock_guard lock(mu_);
  PurgeExpired(Clock::now());
  return entries_.size();
}

}  // namespace ccs::rendezvous
