#include "daemon/meta/metadata_plane.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/meta/object_ops.h"
#include "daemon/meta/payload_io.h"

namespace ccs::meta {
namespace {

// Keys of an op live at least this long, whatever the op's timeout: a
// buffered send may wait long for its recv.
constexpr std::chrono::minutes kMinObjectTtl{10};

// Whether a failed object call leaves the ranks' object numbers out of step.
// A mismatch and an all_gather past the limit fail every rank alike; the
// group itself failing (ABORTED) is already known.
bool LeavesRanksOutOfStep(const Status& s) {
  return !s.ok() && s.code() != StatusCode::kInvalidArgument &&
         s.code() != StatusCode::kResourceExhausted && s.code() != StatusCode::kAborted;
}

bool IsCollective(ObjectKind kind) {
  return kind == ObjectKind::kBroadcast || kind == ObjectKind::kAllGather ||
         kind == ObjectKind::kScatter;
}

}  // namespace

MetadataPlane::MetadataPlane(SessionManager* sessions, GroupRegistry* groups,
                             std::shared_ptr<rendezvous::Store> store,
                             MetaOptions options)
    : sessions_(sessions),
      groups_(groups),
      store_(std::move(store)),
      options_(options),
      runner_(options.max_calls_in_flight) {}

MetadataPlane::~MetadataPlane() {
  Shutdown(Unavailable("ccsd is shutting down"), Clock::now() + std::chrono::seconds(5));
}

uint64_t MetadataPlane::max_kv_value_bytes() const {
  return std::min<uint64_t>(options_.max_object_bytes, kChunkBytes);
}

StatusOr<MetadataPlane::Caller> MetadataPlane::Authorize(const PeerIdentity& caller,
                                                         uint64_t session_id,
                                                         uint64_t group_id) const {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return *stopping_;
  }
  RETURN_IF_ERROR(sessions_->Authorize(session_id, caller).status());
  ASSIGN_OR_RETURN(Membership m, groups_->Find(session_id, group_id));
  if (std::optional<Status> why = Interrupted(*m.group)) return *why;
  return Caller{std::move(m.group), m.rank};
}

std::optional<Status> MetadataPlane::Interrupted(const Group& group) const {
  if (stop_flag_.load()) {
    std::lock_guard lock(mu_);
    if (stopping_) return *stopping_;
  }
  const GroupState state = group.state();
  if (state == GroupState::kReady) return std::nullopt;
  if (state == GroupState::kBroken) {
    return Aborted("group '" + group.name() + "' is BROKEN: " +
                   group.View().broken_reason + "; form it again to continue");
  }
  return FailedPrecondition("group '" + group.name() + "' epoch " +
                            std::to_string(group.epoch()) + " is " +
                            std::string(GroupStateName(state)));
}

Status MetadataPlane::CheckObjectCall(const Caller& c, ObjectCall& call) const {
  const uint32_t world = c.group->world_size();
  const std::string who = std::string(ObjectKindName(call.kind)) + " from rank " +
                          std::to_string(c.rank) + " of group '" + c.group->name() + "'";
  const bool rooted =
      call.kind == ObjectKind::kBroadcast || call.kind == ObjectKind::kScatter;
  if (rooted && call.root >= world) {
    return InvalidArgument(who + ": root " + std::to_string(call.root) +
                           " is not a rank of a group of " + std::to_string(world));
  }
  if (!IsCollective(call.kind) && (call.peer >= world || call.peer == c.rank)) {
    return InvalidArgument(who + ": peer " + std::to_string(call.peer) +
                           " must be another rank of a group of " +
                           std::to_string(world));
  }
  size_t want = 0;
  switch (call.kind) {
    case ObjectKind::kBroadcast:
      want = c.rank == call.root ? 1 : 0;
      break;
    case ObjectKind::kAllGather:
    case ObjectKind::kSend:
      want = 1;
      break;
    case ObjectKind::kScatter:
      want = c.rank == call.root ? world : 0;
      break;
    case ObjectKind::kRecv:
      want = 0;
      break;
  }
  if (want == 0) {
    call.payloads.clear();  // a non-root's payload is not sent anywhere
  } else if (call.payloads.size() != want) {
    return InvalidArgument(who + ": needs " + std::to_string(want) + " payload(s), got " +
                           std::to_string(call.payloads.size()));
  }
  uint64_t total = 0;
  for (const std::string& p : call.payloads) total = TotalBytes({total, p.size()});
  if (total > options_.max_object_bytes) {
    return ResourceExhausted(who + ": " + std::to_string(total) +
                             " bytes of payload exceed max_object_bytes (" +
                             std::to_string(options_.max_object_bytes) +
                             "); nothing was stored");
  }
  return Status::Ok();
}

void MetadataPlane::ForgetEndedLocked() {
  for (auto it = groups_meta_.begin(); it != groups_meta_.end();) {
    std::shared_ptr<Group> g = it->second.group.lock();
    if (g && g->state() != GroupState::kDestroyed) {
      ++it;
      continue;
    }
    // The epoch's KV keys set through this daemon go with it (best effort,
    // on a worker: a remote store call may block).
    if (!it->second.kv_keys.empty()) {
      std::vector<std::string> keys(it->second.kv_keys.begin(), it->second.kv_keys.end());
      (void)runner_.Run([store = store_, keys = std::move(keys)] {
        for (const std::string& k : keys) (void)store->Delete(k);
      });
    }
    it = groups_meta_.erase(it);
  }
}

MetadataPlane::GroupMeta& MetadataPlane::MetaLocked(const Caller& c) {
  auto it = groups_meta_.find(c.group->id());
  if (it != groups_meta_.end()) return it->second;
  ForgetEndedLocked();
  GroupMeta& meta = groups_meta_[c.group->id()];
  meta.group = c.group;
  meta.keys = std::make_shared<const MetaKeys>(c.group->name(), c.group->epoch());
  meta.collective_seq.assign(c.group->world_size(), 0);
  return meta;
}

uint64_t MetadataPlane::NextSeqLocked(GroupMeta& meta, uint32_t rank,
                                      const ObjectCall& call) {
  if (IsCollective(call.kind)) return ++meta.collective_seq[rank];
  if (call.kind == ObjectKind::kSend) return ++meta.send_seq[{rank, call.peer}];
  return ++meta.recv_seq[{call.peer, rank}];
}

void MetadataPlane::UndoSeqLocked(GroupMeta& meta, uint32_t rank,
                                  const ObjectCall& call) {
  if (IsCollective(call.kind)) {
    --meta.collective_seq[rank];
  } else if (call.kind == ObjectKind::kSend) {
    --meta.send_seq[{rank, call.peer}];
  } else {
    --meta.recv_seq[{call.peer, rank}];
  }
}

void MetadataPlane::RunObject(const PeerIdentity& caller, ObjectCall call,
                              ObjectDone done) {
  const Clock::time_point started = Clock::now();
  StatusOr<Caller> c = Authorize(caller, call.session_id, call.group_id);
  if (!c.ok()) return done(c.status(), {});
  if (Status s = CheckObjectCall(*c, call); !s.ok()) return done(s, {});
  // `done` is moved into the job only if it runs.
  auto shared_done = std::make_shared<ObjectDone>(std::move(done));
  Status queued;
  {
    std::lock_guard lock(mu_);
    queued = NumberAndQueueLocked(*c, std::move(call), started, shared_done);
  }
  if (!queued.ok()) (*shared_done)(queued, {});
}

Status MetadataPlane::NumberAndQueueLocked(const Caller& c, ObjectCall call,
                                           Clock::time_point started,
                                           const std::shared_ptr<ObjectDone>& done) {
  GroupMeta& meta = MetaLocked(c);
  const uint64_t seq = NextSeqLocked(meta, c.rank, call);
  ObjectCall undo;  // what UndoSeqLocked needs
  undo.kind = call.kind;
  undo.peer = call.peer;
  Status queued = runner_.Run([this, member = c, keys = meta.keys, seq, started, done,
                               call = std::move(call)]() mutable {
    ExecuteObject(member, keys, seq, std::move(call), started, *done);
  });
  if (!queued.ok()) UndoSeqLocked(meta, c.rank, undo);
  return queued;
}

void MetadataPlane::ExecuteObject(const Caller& c, std::shared_ptr<const MetaKeys> keys,
                                  uint64_t seq, ObjectCall call,
                                  Clock::time_point started, const ObjectDone& done) {
  const auto timeout = call.timeout.count() > 0 ? call.timeout : options_.default_timeout;
  ObjectOpContext ctx;
  ctx.store = store_.get();
  ctx.keys = keys.get();
  ctx.group = c.group->name();
  ctx.rank = c.rank;
  ctx.world = c.group->world_size();
  ctx.started = started;
  ctx.deadline = started + timeout;
  ctx.ttl = std::max<rendezvous::Store::Ttl>(kMinObjectTtl, 2 * timeout);
  ctx.max_bytes = options_.max_object_bytes;
  ctx.interrupted = [this, group = c.group] { return Interrupted(*group); };
  ctx.broken_elsewhere = BreakLocally(c.group);
  ObjectResult result;
  result.seq = seq;
  Status status;
  if (IsCollective(call.kind)) {
    StatusOr<std::vector<std::string>> out =
        RunObjectCollective(ctx, seq, call.kind, call.root, std::move(call.payloads));
    status = out.status();
    if (out.ok()) result.payloads = std::move(out.value());
  } else if (call.kind == ObjectKind::kSend) {
    status = SendObject(ctx, call.peer, seq, call.payloads[0]);
  } else {
    StatusOr<std::string> out = RecvObject(ctx, call.peer, seq);
    status = out.status();
    if (out.ok()) result.payloads.push_back(std::move(out.value()));
  }
  if (LeavesRanksOutOfStep(status) && !stop_flag_.load()) {
    // Nothing later can match on this group's object ops, as after a
    // timed-out collective: the group breaks, every waiting rank is told.
    const std::string reason =
        status.code() == StatusCode::kDeadlineExceeded
            ? std::string(status.message())
            : std::string(ObjectKindName(call.kind)) + " #" + std::to_string(seq) +
                  " of rank " + std::to_string(c.rank) + " failed: " + status.ToString();
    spdlog::warn("group '{}': {}", c.group->name(), reason);
    c.group->Break(reason);
  }
  done(status, std::move(result));
}

std::function<void(const std::string&)> MetadataPlane::BreakLocally(
    std::shared_ptr<Group> group) {
  return [group = std::move(group)](const std::string& reason) { group->Break(reason); };
}

void MetadataPlane::Shutdown(const Status& why, Clock::time_point deadline) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) stopping_ = why;
  }
  stop_flag_ = true;
  if (!runner_.WaitIdle(deadline)) {
    spdlog::warn("metadata plane: calls still in flight at shutdown");
  }
}

}  // namespace ccs::meta
