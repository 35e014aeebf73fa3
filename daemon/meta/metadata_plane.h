// MetadataPlane: the object collectives and the key-value scope of every
// group of this daemon (the seeds' StatelessProcessGroup on a store), over
// the rendezvous Store: the cluster's store for a daemon in a cluster, an
// in-process MemoryStore for a single-node daemon, so every group has a
// metadata plane with no configuration.
//
// Each call is authorized like a collective (the session must be the
// connection that opened it and a live member of the group), checked
// (ranks, counts, sizes against max_object_bytes) and numbered on the
// calling thread without blocking; the blocking part (store calls, waits
// for the other ranks) runs on a BlockingRunner thread, and `done` runs
// there. Object collectives are numbered per (group, rank), sends and recvs
// per (src, dst) channel, by this daemon, in the order the calls arrive.
//
// An object collective whose deadline passes breaks the group, as a
// timed-out collective does (the ranks are out of step). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/group_registry.h"
#include "daemon/core/session_manager.h"
#include "daemon/core/status.h"
#include "daemon/meta/blocking_runner.h"
#include "daemon/meta/object_header.h"
#include "daemon/meta/object_keys.h"
#include "daemon/rendezvous/store.h"

namespace ccs::meta {

struct MetaOptions {
  // The most bytes one object call may carry or deliver (config
  // max_object_bytes).
  uint64_t max_object_bytes = uint64_t{16} << 20;
  // Deadline of a call that passes none (config op_timeout_ms).
  std::chrono::milliseconds default_timeout{300'000};
  // Calls in flight at once on this daemon (each holds a thread while it
  // waits); RESOURCE_EXHAUSTED past it.
  size_t max_calls_in_flight = 1024;
};

// One rank's object call.
struct ObjectCall {
  uint64_t session_id = 0;
  uint64_t group_id = 0;
  ObjectKind kind = ObjectKind::kBroadcast;
  uint32_t root = 0;  // broadcast, scatter
  uint32_t peer = 0;  // send: the destination; recv: the source
  // broadcast: the root's payload (ignored elsewhere); all_gather, send:
  // this rank's payload; scatter: the root's payload per rank.
  std::vector<std::string> payloads;
  std::chrono::milliseconds timeout{0};  // 0: MetaOptions::default_timeout
};
struct ObjectResult {
  uint64_t seq = 0;  // the call's number (collectives: per rank; p2p: per channel)
  // broadcast, scatter, recv: one payload; all_gather: one per rank.
  std::vector<std::string> payloads;
};
using ObjectDone = std::function<void(const Status&, ObjectResult)>;

enum class KvOp { kSet, kGet, kWait, kAdd, kCompareAndSet, kDelete };
std::string_view KvOpName(KvOp op);

// One call on the group's key-value scope. Keys are the caller's own names
// (any non-empty string up to kMaxKvKeyBytes), private to the group epoch.
struct KvCall {
  uint64_t session_id = 0;
  uint64_t group_id = 0;
  KvOp op = KvOp::kGet;
  std::vector<std::string> keys;         // one key; kWait: one or more
  std::string value;                     // kSet; kCompareAndSet: desired
  std::string expected;                  // kCompareAndSet ("" = must not exist)
  int64_t delta = 0;                     // kAdd
  std::chrono::milliseconds ttl{0};      // kSet, kCompareAndSet; 0: no expiry
  std::chrono::milliseconds timeout{0};  // kWait; 0: MetaOptions::default_timeout
};
struct KvResult {
  std::string value;   // kGet; kCompareAndSet: the value after the call
  int64_t number = 0;  // kAdd: the new value
  bool flag = false;   // kCompareAndSet: swapped; kDelete: existed
};
using KvDone = std::function<void(const Status&, const KvResult&)>;

inline constexpr size_t kMaxKvKeyBytes = 1024;

class MetadataPlane {
 public:
  // `sessions` and `groups` must outlive the plane.
  MetadataPlane(SessionManager* sessions, GroupRegistry* groups,
                std::shared_ptr<rendezvous::Store> store, MetaOptions options);
  ~MetadataPlane();

  // Runs one object call. `done` runs exactly once: at once (on this
  // thread) for an error found before the call is numbered, else on a
  // worker thread. Errors: those of authorization (NOT_FOUND,
  // PERMISSION_DENIED), INVALID_ARGUMENT (bad root/peer/count, ranks
  // calling different ops), RESOURCE_EXHAUSTED (past max_object_bytes,
  // nothing stored), ABORTED (group BROKEN, with its reason),
  // FAILED_PRECONDITION (not READY), DEADLINE_EXCEEDED naming the ranks
  // that never called, UNAVAILABLE (daemon stopping, store unreachable).
  void RunObject(const PeerIdentity& caller, ObjectCall call, ObjectDone done);

  // Runs one key-value call; `done` as for RunObject. NOT_FOUND for Get of
  // a key that is not set (or expired); DEADLINE_EXCEEDED naming the keys a
  // Wait still misses; RESOURCE_EXHAUSTED for a value past the limit.
  void RunKv(const PeerIdentity& caller, KvCall call, KvDone done);

  // Interrupts every call in flight with `why` and refuses later ones; waits
  // (bounded by `deadline`) until the calls have answered.
  void Shutdown(const Status& why, std::chrono::steady_clock::time_point deadline);

  uint64_t max_object_bytes() const { return options_.max_object_bytes; }
  // The largest value a KV key may hold.
  uint64_t max_kv_value_bytes() const;

 private:
  // What the plane keeps per group epoch.
  struct GroupMeta {
    std::weak_ptr<Group> group;
    std::shared_ptr<const MetaKeys> keys;
    std::vector<uint64_t> collective_seq;  // per rank: last object collective
    std::map<std::pair<uint32_t, uint32_t>, uint64_t> send_seq, recv_seq;
    std::set<std::string> kv_keys;  // set through this daemon, deleted at the end
  };
  // A member's call, authorized.
  struct Caller {
    std::shared_ptr<Group> group;
    uint32_t rank = 0;
  };

  StatusOr<Caller> Authorize(const PeerIdentity& caller, uint64_t session_id,
                             uint64_t group_id) const;
  Status CheckObjectCall(const Caller& c, ObjectCall& call) const;
  // The group's entry (created on first use); forgets groups that ended.
  GroupMeta& MetaLocked(const Caller& c);
  void ForgetEndedLocked();
  // The number of `call` for its rank or channel.
  uint64_t NextSeqLocked(GroupMeta& meta, uint32_t rank, const ObjectCall& call);
  void UndoSeqLocked(GroupMeta& meta, uint32_t rank, const ObjectCall& call);
  // Numbers `call` and hands it to the runner; on a refusal the number is
  // given back and the refusal returned (`done` not run).
  Status NumberAndQueueLocked(const Caller& c, ObjectCall call, Clock::time_point started,
                              const std::shared_ptr<ObjectDone>& done);
  // Another node broke the epoch: so does this node's group (its collectives
  // would learn it only at their next network step).
  static std::function<void(const std::string& reason)> BreakLocally(
      std::shared_ptr<Group> group);
  // Why calls on `group` must stop now, if they must.
  std::optional<Status> Interrupted(const Group& group) const;
  void ExecuteObject(const Caller& c, std::shared_ptr<const MetaKeys> keys, uint64_t seq,
                     ObjectCall call, Clock::time_point started, const ObjectDone& done);
  StatusOr<KvResult> ExecuteKv(const Caller& c, const MetaKeys& keys, const KvCall& call,
                               Clock::time_point started);
  Status CheckKvCall(const KvCall& call) const;

  SessionManager* const sessions_;
  GroupRegistry* const groups_;
  const std::shared_ptr<rendezvous::Store> store_;
  const MetaOptions options_;

  mutable std::mutex mu_;
  std::map<uint64_t, GroupMeta> groups_meta_;  // by group id
  std::optional<Status> stopping_;
  std::atomic<bool> stop_flag_{false};
  BlockingRunner runner_;  // last: its threads use the members above
};

}  // namespace ccs::meta
