#include "daemon/core/group.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/obs/group_dump_json.h"

namespace ccs {
namespace {

std::string RankList(const std::vector<uint32_t>& ranks) {
  std::string s = "[";
  for (size_t i = 0; i < ranks.size(); ++i) s += (i ? "," : "") + std::to_string(ranks[i]);
  return s + "]";
}

std::chrono::milliseconds Millis(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

// Answers `a` with `status` unless it was answered already, and lets its
// memory go; the arrival itself stays for the flight recorder.
void Answer(Arrival& a, const Status& status, uint64_t seq,
            std::vector<std::function<void()>>& out) {
  if (!a.done) return;
  out.push_back([d = std::move(a.done), status, seq] { d(status, seq); });
  a.done = nullptr;
  a.keepalive.clear();
  a.device_keepalive.clear();
}

std::vector<uint32_t> AllRanks(uint32_t n) {
  std::vector<uint32_t> all(n);
  for (uint32_t r = 0; r < n; ++r) all[r] = r;
  return all;
}

// How long the executor waits on the formation round before it looks at
// newly joined ranks again.
constexpr std::chrono::milliseconds kFormPoll{50};

// Bytes of `io`'s output range.
uint64_t OutputBytes(const RankIo& io, DataType dtype) {
  return io.out_count * DataTypeSize(dtype);
}

}  // namespace

std::shared_ptr<Group> Group::Create(uint64_t id, std::string name, uint64_t epoch,
                                     uint32_t world_size, Engine* engine,
                                     Clock::time_point join_deadline,
                                     DestroyedCallback on_destroyed, GroupHooks hooks) {
  std::shared_ptr<Group> g(new Group(id, std::move(name), epoch, world_size, engine,
                                     join_deadline, std::move(on_destroyed), hooks));
  // The thread holds a reference until it stops, so the group outlives it.
  g->thread_ = std::thread([self = g] { self->Run(); });
  g->thread_.detach();
  return g;
}

Group::Group(uint64_t id, std::string name, uint64_t epoch, uint32_t world_size,
             Engine* engine, Clock::time_point join_deadline,
             DestroyedCallback on_destroyed, GroupHooks hooks)
    : id_(id),
      name_(std::move(name)),
      epoch_(epoch),
      world_size_(world_size),
      cluster_(hooks.cluster),
      engine_(engine),
      created_(Clock::now()),
      on_destroyed_(std::move(on_destroyed)),
      observer_(hooks.observer),
      join_deadline_(join_deadline),
      members_(world_size),
      recorder_(hooks.flight_recorder_ops) {
  if (cluster_ == nullptr) {
    for (uint32_t r = 0; r < world_size; ++r) local_.push_back(r);
  } else if (hooks.round) {
    round_ = std::move(hooks.round);
    epoch_ = round_->epoch();
  } else {
    epoch_ = 0;  // the formation round's, once open
  }
}

Group::~Group() = default;

GroupState Group::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

Status Group::Join(uint32_t rank, uint32_t world_size, const Session& session,
                   Clock::time_point deadline, JoinDone done, int32_t gpu) {
  Completions out;
  {
    std::lock_guard lock(mu_);
    if (state_ != GroupState::kForming) {
      return FailedPrecondition("group '" + name_ + "' epoch " + std::to_string(epoch_) +
                                " is " + std::string(GroupStateName(state_)) +
                                ", no longer accepting joins");
    }
    if (world_size != world_size_) {
      return InvalidArgument("group '" + name_ + "' is forming with world size " +
                             std::to_string(world_size_) + ", but this join says " +
                             std::to_string(world_size) + "; every rank must pass the same");
    }
    Member& m = members_[rank];
    if (m.joined && m.session.id != session.id) {
      return AlreadyExists("rank " + std::to_string(rank) + " of group '" + name_ +
                           "' is already taken by session " + std::to_string(m.session.id) +
                           " (pid " + std::to_string(m.session.identity.pid) +
                           "); each rank joins once");
    }
    m.joined = true;
    m.alive = true;
    m.session = session;
    m.gpu = gpu;
    if (m.join_done) {
      // The earlier call is abandoned, but its reactor must still finish.
      out.push_back([d = std::move(m.join_done), r = JoinResult{id_, epoch_, world_size_, rank}] {
        d(Aborted("replaced by a later join of the same rank from the same session"), r);
      });
    }
    m.join_done = std::move(done);
    join_deadline_ = std::min(join_deadline_, deadline);
    if (cluster_ == nullptr && std::all_of(members_.begin(), members_.end(),
                    [](const Member& x) { return x.joined; })) {
      state_ = GroupState::kReady;
      spdlog::info("group '{}' epoch {} is READY with {} ranks", name_, epoch_.load(),
                   world_size_);
      prepare_ = std::all_of(members_.begin(), members_.end(),
                             [](const Member& x) { return x.gpu >= 0; });
      FinishJoinsLocked(Status::Ok(), out);
    }
  }
  cv_.notify_all();
  for (auto& fn : out) fn();
  return Status::Ok();
}

void Group::FinishJoinsLocked(const Status& status, Completions& out) {
  for (uint32_t i = 0; i < world_size_; ++i) {
    if (!members_[i].join_done) continue;
    JoinResult r{id_, epoch_, world_size_, i};
    out.push_back([d = std::move(members_[i].join_done), status, r] { d(status, r); });
    members_[i].join_done = nullptr;
  }
}

std::optional<uint32_t> Group::RankOf(uint64_t session_id) const {
  std::lock_guard lock(mu_);
  for (uint32_t r = 0; r < world_size_; ++r) {
    const Member& m = members_[r];
    if (m.alive && !m.remote && m.session.id == session_id) return r;
  }
  return std::nullopt;
}

void Group::Submit(uint32_t rank, Arrival arrival) {
  Completions out;
  {
    std::lock_guard lock(mu_);
    const bool ready = state_ == GroupState::kReady;
    if (state_ == GroupState::kBroken) {
      Status s = Aborted("group '" + name_ + "' is BROKEN: " + broken_reason_ +
                         "; form it again to continue");
      out.push_back([d = std::move(arrival.done), s] { d(s, 0); });
    } else if (draining_ && (!ready || !JoinsStartedOpLocked(rank, arrival))) {
      out.push_back([d = std::move(arrival.done), s = *draining_] { d(s, 0); });
    } else if (!ready) {
      Status s = FailedPrecondition("group '" + name_ + "' is " +
                                    std::string(GroupStateName(state_)));
      out.push_back([d = std::move(arrival.done), s] { d(s, 0); });
    } else if (IsPointToPoint(arrival.call.kind)) {
      SubmitPointToPointLocked(rank, std::move(arrival), out);
    } else {
      SubmitCollectiveLocked(rank, std::move(arrival), out);
    }
  }
  cv_.notify_all();
  for (auto& fn : out) fn();
}

void Group::SubmitCollectiveLocked(uint32_t rank, Arrival arrival, Completions& out) {
  const uint64_t seq = ++members_[rank].next_seq;
  PendingOp& op = pending_[seq];
  if (op.ranks.empty()) {
    op.ranks.resize(world_size_);
    op.first_arrival = arrival.arrived;
  }
  op.deadline = std::min(op.deadline, arrival.deadline);
  ++op.arrived;
  for (uint32_t r : local_) {
    if (op.failed) break;
    if (!op.ranks[r]) continue;
    std::string why = MismatchBetween(op.ranks[r]->call, r, arrival.call, rank);
    if (why.empty()) continue;
    op.failed = InvalidArgument("collective mismatch at sequence " + std::to_string(seq) +
                                " of group '" + name_ + "': " + why +
                                "; every rank must make the same calls in the same order");
    spdlog::warn("{}", op.failed->message());
    for (auto& a : op.ranks) {
      if (a) Answer(*a, *op.failed, seq, out);
    }
  }
  Arrival& mine = op.ranks[rank].emplace(std::move(arrival));
  if (op.failed) Answer(mine, *op.failed, seq, out);
  if (op.arrived < local_.size()) return;
  if (op.failed) {
    RecordPendingLocked(seq, op, *op.failed);
    pending_.erase(seq);
    return;
  }
  ReadyOp ready{seq, {}, {}, {}, {}};
  for (uint32_t r : local_) {
    ready.ranks.push_back(r);
    ready.arrivals.push_back(std::move(*op.ranks[r]));
  }
  // Across nodes, what only the whole set shows is checked by the network.
  StatusOr<OpPlan> plan = BuildCollectivePlan(ready.arrivals, /*whole_group=*/!IsMultiNode());
  if (plan.ok()) {
    ready.plan = std::move(plan.value());
    ready_.push_back(std::move(ready));
  } else {
    OpRecord& record = BeginRecordLocked(seq, ready.arrivals[0].call);
    for (size_t i = 0; i < ready.ranks.size(); ++i) {
      AddArrivalLocked(record, ready.ranks[i], ready.arrivals[i]);
      Answer(ready.arrivals[i], plan.status(), seq, out);
    }
    FinishRecordLocked(record, plan.status());
  }
  pending_.erase(seq);
}

bool Group::JoinsStartedOpLocked(uint32_t rank, const Arrival& arrival) {
  const CollectiveCall& call = arrival.call;
  if (!IsPointToPoint(call.kind)) return pending_.count(members_[rank].next_seq + 1) != 0;
  const bool is_send = call.kind == CollectiveKind::kSend;
  auto it = channels_.find(is_send ? std::make_pair(rank, call.peer)
                                   : std::make_pair(call.peer, rank));
  if (it == channels_.end()) return false;
  return !(is_send ? it->second.recvs : it->second.sends).empty();
}

void Group::SubmitPointToPointLocked(uint32_t rank, Arrival arrival, Completions& out) {
  const bool is_send = arrival.call.kind == CollectiveKind::kSend;
  const uint32_t src = is_send ? rank : arrival.call.peer;
  const uint32_t dst = is_send ? arrival.call.peer : rank;
  Channel& ch = channels_[{src, dst}];
  if (IsMultiNode() && members_[arrival.call.peer].remote) {
    // The other side is another node's: this side runs alone, in order.
    ReadyOp ready{++ch.next_seq, {}, {rank}, {}, {}};
    ready.plan.kind = arrival.call.kind;
    ready.plan.dtype = arrival.call.dtype;
    ready.plan.count = arrival.call.count;
    ready.plan.peer = arrival.call.peer;
    ready.plan.ranks = {arrival.io};
    ready.arrivals.push_back(std::move(arrival));
    ready_.push_back(std::move(ready));
    return;
  }
  (is_send ? ch.sends : ch.recvs).push_back(std::move(arrival));
  MatchChannelLocked(ch, src, dst, out);
}

void Group::MatchChannelLocked(Channel& ch, uint32_t src, uint32_t dst, Completions& out) {
  while (!ch.sends.empty() && !ch.recvs.empty()) {
    const uint64_t seq = ++ch.next_seq;
    ReadyOp ready{seq, {}, {src, dst}, {}, {}};
    ready.arrivals.push_back(std::move(ch.sends.front()));
    ready.arrivals.push_back(std::move(ch.recvs.front()));
    ch.sends.pop_front();
    ch.recvs.pop_front();
    StatusOr<OpPlan> plan =
        BuildPointToPointPlan(ready.arrivals[0], src, ready.arrivals[1], dst);
    if (plan.ok()) {
      ready.plan = std::move(plan.value());
      ready_.push_back(std::move(ready));
      continue;
    }
    OpRecord& record = BeginRecordLocked(seq, ready.arrivals[0].call);
    for (size_t i = 0; i < 2; ++i) {
      AddArrivalLocked(record, ready.ranks[i], ready.arrivals[i]);
      Answer(ready.arrivals[i], plan.status(), seq, out);
    }
    FinishRecordLocked(record, plan.status());
  }
}

bool Group::RemoveMember(uint32_t rank, const std::string& why) {
  Completions out;
  bool destroyed = false;
  {
    std::lock_guard lock(mu_);
    Member& m = members_[rank];
    if (!m.alive) return false;
    m.alive = false;
    if (state_ == GroupState::kForming) {
      // A rank lost before the group formed fails the formation for every
      // rank that joined: waiting for a dead process would only end at the
      // join deadline. The name can be formed again (next epoch).
      // Its own JoinGroup call is answered too (below): a gRPC callback
      // reactor that is never finished keeps the server from shutting down.
      Status s = Aborted("group '" + name_ + "' cannot form: rank " + std::to_string(rank) +
                         " (pid " + std::to_string(m.session.identity.pid) + ", session " +
                         std::to_string(m.session.id) + ") " + why +
                         " before every rank joined; join again to form it anew");
      spdlog::warn("{}", s.message());
      FinishJoinsLocked(s, out);
      for (Member& x : members_) x.alive = false;
      if (round_) {
        // A store call: the executor makes it, not this (gRPC) thread.
        on_stop_.push_back([round = round_, s] { (void)round->Fail(s); });
      }
    } else if (state_ == GroupState::kReady) {
      BreakLocked("rank " + std::to_string(rank) + " (pid " +
                      std::to_string(m.session.identity.pid) + ", session " +
                      std::to_string(m.session.id) + ") " + why,
                  out, /*quiet_if_idle=*/true);
    }
    destroyed = std::none_of(members_.begin(), members_.end(),
                             [](const Member& x) { return x.alive; });
    if (destroyed) {
      FailAllPendingLocked(Aborted("group '" + name_ + "' was destroyed"), out);
      state_ = GroupState::kDestroyed;
      stop_ = true;
    }
  }
  cv_.notify_all();
  for (auto& fn : out) fn();
  return destroyed;
}

void Group::Break(const std::string& reason) {
  Completions out;
  {
    std::lock_guard lock(mu_);
    BreakLocked(reason, out);
  }
  cv_.notify_all();
  for (auto& fn : out) fn();
}

void Group::Drain(const Status& refusal) {
  std::lock_guard lock(mu_);
  if (!draining_) draining_ = refusal;
}

size_t Group::InFlightOps() const {
  std::lock_guard lock(mu_);
  size_t n = pending_.size() + ready_.size() + (executing_ ? 1 : 0) + transit_.size();
  for (const auto& [key, ch] : channels_) n += ch.sends.size() + ch.recvs.size();
  return n;
}

void Group::Shutdown(const Status& status) {
  Completions out;
  {
    std::lock_guard lock(mu_);
    FinishJoinsLocked(status, out);
    if (round_ && state_ == GroupState::kForming) {
      out.push_back([round = round_, status] { (void)round->Fail(status); });
    }
    TellNodesLocked(status, out);
    FailAllPendingLocked(status, out);
    state_ = GroupState::kDestroyed;
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& fn : out) fn();
}

bool Group::WaitStopped(Clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, deadline, [this] { return stopped_ && !transit_running_; });
}

void Group::BreakLocked(const std::string& reason, Completions& out, bool quiet_if_idle) {
  if (state_ != GroupState::kReady) return;
  state_ = GroupState::kBroken;
  broken_reason_ = reason;
  const bool in_flight =
      executing_ || !pending_.empty() || !ready_.empty() ||
      std::any_of(channels_.begin(), channels_.end(), [](const auto& kv) {
        return !kv.second.sends.empty() || !kv.second.recvs.empty();
      });
  TellNodesLocked(Aborted(reason), out);
  if (quiet_if_idle && !in_flight) {
    // The usual end of a job (ranks leaving one by one): nobody is waiting,
    // later calls get the reason; no alarm and no dump.
    spdlog::info("group '{}' epoch {} is BROKEN with no op in flight: {}", name_,
                 epoch_.load(), reason);
    return;
  }
  spdlog::error("group '{}' epoch {} is BROKEN: {}", name_, epoch_.load(), reason);
  FailAllPendingLocked(Aborted("group '" + name_ + "' is BROKEN: " + reason), out);
  // The recorder as it stands now, logged after the lock is released.
  out.push_back([dump = GroupDump{ViewLocked(), recorder_.Dump()}] {
    spdlog::error("{}", GroupDumpJsonLine(dump));
  });
}

void Group::FailAllPendingLocked(const Status& status, Completions& out) {
  for (auto& [seq, op] : pending_) {
    for (auto& a : op.ranks) {
      if (a) Answer(*a, status, seq, out);
    }
    // A mismatched op's ranks were told of the mismatch: record that.
    RecordPendingLocked(seq, op, op.failed.value_or(status));
  }
  pending_.clear();
  for (auto& [key, ch] : channels_) {
    for (auto* q : {&ch.sends, &ch.recvs}) {
      const uint32_t rank = q == &ch.sends ? key.first : key.second;
      for (Arrival& a : *q) {
        OpRecord& record = BeginRecordLocked(0, a.call);
        AddArrivalLocked(record, rank, a);
        FinishRecordLocked(record, status);
        Answer(a, status, 0, out);
      }
      q->clear();
    }
  }
  for (ReadyOp& op : ready_) {
    OpRecord& record = BeginRecordLocked(op.seq, op.arrivals[0].call);
    for (size_t i = 0; i < op.arrivals.size(); ++i) {
      AddArrivalLocked(record, op.ranks[i], op.arrivals[i]);
      Answer(op.arrivals[i], status, op.seq, out);
    }
    FinishRecordLocked(record, status);
  }
  ready_.clear();
}

OpRecord& Group::BeginRecordLocked(uint64_t seq, const CollectiveCall& call) {
  OpRecord& r = recorder_.Next();
  r.seq = seq;
  r.kind = call.kind;
  r.dtype = call.dtype;
  r.op = call.op;
  r.count = call.count;
  r.root = call.root;
  r.peer = call.peer;
  r.bytes = 0;
  r.first_arrival = Clock::time_point::max();
  return r;
}

void Group::AddArrivalLocked(OpRecord& record, uint32_t rank, const Arrival& arrival) {
  record.arrivals.push_back(RankArrival{rank, arrival.arrived});
  record.first_arrival = std::min(record.first_arrival, arrival.arrived);
  record.bytes += OutputBytes(arrival.io, record.dtype);
}

void Group::FinishRecordLocked(OpRecord& record, const Status& status) {
  record.finished = Clock::now();
  if (record.arrivals.empty()) record.first_arrival = record.finished;
  record.code = status.code();
  record.message.assign(status.message());
  if (observer_) observer_->OnOpFinished(record);
}

void Group::RecordPendingLocked(uint64_t seq, const PendingOp& op, const Status& status) {
  const Arrival* first = nullptr;
  for (const auto& a : op.ranks) {
    if (a && !first) first = &*a;
  }
  if (!first) return;
  OpRecord& record = BeginRecordLocked(seq, first->call);
  for (uint32_t r = 0; r < world_size_; ++r) {
    if (op.ranks[r]) AddArrivalLocked(record, r, *op.ranks[r]);
  }
  FinishRecordLocked(record, status);
}

std::vector<uint32_t> Group::MissingLocked(const PendingOp& op) const {
  std::vector<uint32_t> missing;
  for (uint32_t r : local_) {
    if (!op.ranks[r]) missing.push_back(r);
  }
  return missing;
}

void Group::ExpireLocked(Clock::time_point now, Completions& out) {
  if (state_ == GroupState::kForming && cluster_ == nullptr && now >= join_deadline_) {
    std::vector<uint32_t> missing;
    for (uint32_t r = 0; r < world_size_; ++r) {
      if (!members_[r].joined) missing.push_back(r);
    }
    Status s = DeadlineExceeded(
        "group '" + name_ + "' did not form before its join deadline: ranks " +
        RankList(missing) + " of " + std::to_string(world_size_) +
        " never joined; start them or raise the join timeout");
    spdlog::warn("{}", s.message());
    FinishJoinsLocked(s, out);
    state_ = GroupState::kDestroyed;
    stop_ = true;
    return;
  }
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    const uint64_t seq = it->first;
    PendingOp& op = it->second;
    if (now < op.deadline || op.failed) continue;
    std::vector<uint32_t> missing = MissingLocked(op);
    const CollectiveCall* call = nullptr;
    for (auto& a : op.ranks) if (a && !call) call = &a->call;
    std::string what = call ? DescribeCall(*call) : "collective";
    Status s = DeadlineExceeded(
        what + " at sequence " + std::to_string(seq) + " of group '" + name_ +
        "' timed out after " + std::to_string(Millis(now - op.first_arrival).count()) +
        " ms: ranks " + RankList(missing) + " never arrived");
    for (auto& a : op.ranks) {
      if (a) Answer(*a, s, seq, out);
    }
    RecordPendingLocked(seq, op, s);
    pending_.erase(it);
    BreakLocked(s.message(), out);
    return;  // BreakLocked cleared every other pending op
  }
  for (auto& [key, ch] : channels_) {
    for (auto* q : {&ch.sends, &ch.recvs}) {
      if (q->empty() || now < q->front().deadline) continue;
      const bool send = q == &ch.sends;
      Status s = DeadlineExceeded(
          std::string(send ? "send" : "recv") + " from rank " + std::to_string(key.first) +
          " to rank " + std::to_string(key.second) + " of group '" + name_ +
          "' timed out: rank " + std::to_string(send ? key.second : key.first) +
          " never posted the matching " + (send ? "recv" : "send"));
      OpRecord& record = BeginRecordLocked(0, q->front().call);
      AddArrivalLocked(record, send ? key.first : key.second, q->front());
      FinishRecordLocked(record, s);
      Answer(q->front(), s, 0, out);
      q->pop_front();
      BreakLocked(s.message(), out);
      return;
    }
  }
}

Clock::time_point Group::NextDeadlineLocked() const {
  Clock::time_point next = Clock::time_point::max();
  if (state_ == GroupState::kForming) next = join_deadline_;
  for (const auto& [seq, op] : pending_) next = std::min(next, op.deadline);
  for (const auto& [key, ch] : channels_) {
    if (!ch.sends.empty()) next = std::min(next, ch.sends.front().deadline);
    if (!ch.recvs.empty()) next = std::min(next, ch.recvs.front().deadline);
  }
  return next;
}

void Group::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (cluster_ != nullptr && state_ == GroupState::kForming) {
      FormStep(lock);
      continue;
    }
    if (prepare_) {
      // Before any op: the engine sets up the group's GPU resources.
      prepare_ = false;
      GroupSetup setup{id_, name_, world_size_, local_, {}, join_deadline_};
      for (uint32_t r : local_) setup.gpus.push_back(members_[r].gpu);
      if (IsMultiNode()) setup.exchange = network_->exchange();
      device_ops_ = true;  // the engine may keep state for it from now on
      lock.unlock();
      engine_->PrepareGroup(setup);
      lock.lock();
      continue;
    }
    if (!ready_.empty()) {
      ReadyOp op = std::move(ready_.front());
      ready_.pop_front();
      executing_ = true;
      if (IsMultiNode() && !IsPointToPoint(op.arrivals[0].call.kind)) {
        executing_view_ = InFlightView{};
        executing_view_->seq = op.seq;
        executing_view_->call = op.arrivals[0].call;
        executing_view_->arrived = op.ranks;
        executing_arrived_at_.clear();
        for (const Arrival& a : op.arrivals) executing_arrived_at_.push_back(a.arrived);
      }
      lock.unlock();
      Execute(op);
      lock.lock();
      continue;
    }
    Completions out;
    ExpireLocked(Clock::now(), out);
    if (!out.empty() || stop_) {
      bool destroyed = stop_;
      lock.unlock();
      for (auto& fn : out) fn();
      if (destroyed && on_destroyed_) on_destroyed_(id_);
      lock.lock();
      continue;
    }
    Clock::time_point next = NextDeadlineLocked();
    if (next == Clock::time_point::max()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, next);
    }
  }
  Completions last = std::move(on_stop_);
  lock.unlock();
  for (auto& fn : last) fn();
  // After the last Execute. Only groups that ran device ops have engine
  // state to drop (and only they need the engine to outlive the executor).
  if (device_ops_) engine_->ForgetGroup(id_);
  lock.lock();
  stopped_ = true;
  cv_.notify_all();
}

void Group::Execute(ReadyOp& op) {
  Status status;
  const CollectiveCall& call = op.arrivals[0].call;
  OpPlan& plan = op.plan;
  plan.group_id = id_;
  plan.world_size = world_size_;
  plan.group_ranks = op.ranks;
  for (const Arrival& a : op.arrivals) plan.deadline = std::min(plan.deadline, a.deadline);
  plan.exchange = IsMultiNode() ? network_->exchange() : nullptr;
  const bool local = !IsMultiNode() || (IsPointToPoint(call.kind) && op.arrivals.size() == 2);
  op.path = local ? engine_->Name() : "network";  // the engine may say more
  plan.path = &op.path;
  const bool on_device = HasDeviceRanks(plan);
  device_ops_ = device_ops_ || on_device;
  if (local) {
    status = engine_->Execute(plan);  // this node's ranks only
  } else if (IsPointToPoint(call.kind) && !on_device) {
    const bool send = call.kind == CollectiveKind::kSend;
    const uint32_t me = op.ranks[0];
    StatusOr<std::unique_ptr<Transfer>> transfer = network_->StartTransfer(
        send ? me : call.peer, send ? call.peer : me, op.seq, plan.ranks[0],
        call.count * DataTypeSize(call.dtype));
    if (transfer.ok()) {
      plan.path = nullptr;  // points into `op`, which moves
      std::lock_guard lock(mu_);
      transit_.push_back(InTransit{std::move(op), std::move(transfer.value())});
      if (!transit_running_) {
        transit_running_ = true;
        std::thread([self = shared_from_this()] { self->RunTransits(); }).detach();
      }
      executing_ = false;
      cv_.notify_all();
      return;
    }
    status = transfer.status();
  } else if (IsPointToPoint(call.kind)) {
    // Device memory crosses nodes through host staging, on this thread.
    const bool send = call.kind == CollectiveKind::kSend;
    const uint32_t me = op.ranks[0];
    status = engine_->ExecuteStaged(plan, [&](const OpPlan& host) -> Status {
      ASSIGN_OR_RETURN(std::unique_ptr<Transfer> transfer,
                       network_->StartTransfer(send ? me : call.peer, send ? call.peer : me,
                                               op.seq, host.ranks[0],
                                               call.count * DataTypeSize(call.dtype)));
      return transfer->Wait(plan.deadline);
    });
  } else {
    status = engine_->ExecuteStaged(plan, [&](const OpPlan& host) {
      return network_->RunCollective(op.seq, call, host, plan.deadline);
    });
  }
  plan.path = nullptr;
  FinishOp(op, std::move(status));
  // Cleared only now, so that a drain waiting for InFlightOps() == 0 knows
  // every rank has its answer.
  std::lock_guard lock(mu_);
  executing_ = false;
  executing_view_.reset();
}

void Group::RunTransits() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return !transit_.empty() || stop_; });
    if (transit_.empty()) break;
    // Stays listed (inspection, InFlightOps) until it finished; only this
    // thread removes elements, and push_back keeps references valid.
    InTransit& t = transit_.front();
    lock.unlock();
    Status status = t.transfer->Wait(t.op.arrivals[0].deadline);
    FinishOp(t.op, std::move(status));
    lock.lock();
    transit_.pop_front();
  }
  transit_running_ = false;
  cv_.notify_all();
}

void Group::FinishOp(ReadyOp& op, Status status) {
  // A segment its owner shrank during the op was read or written as zero
  // pages (SigbusGuard): the result is not what the ranks asked for.
  for (size_t i = 0; i < op.arrivals.size() && status.ok(); ++i) {
    for (const auto& m : op.arrivals[i].keepalive) {
      if (!m->Faulted()) continue;
      status = FailedPrecondition("shared memory '" + m->name() + "' of rank " +
                                  std::to_string(op.ranks[i]) +
                                  " shrank below its registered size during the op; "
                                  "its result is invalid on every rank");
      break;
    }
  }
  if (!status.ok()) {
    spdlog::error("group '{}' {} at sequence {} failed ({}): {}", name_,
                  CollectiveName(op.arrivals[0].call.kind), op.seq,
                  op.path.empty() ? engine_->Name() : op.path, status.ToString());
  }
  {
    std::lock_guard lock(mu_);
    if (!IsPointToPoint(op.arrivals[0].call.kind)) {
      // Across nodes a success means every rank completed it.
      std::vector<uint32_t> done = op.ranks;
      if (IsMultiNode() && status.ok()) done = AllRanks(world_size_);
      for (uint32_t r : done) {
        Member& m = members_[r];
        if (op.seq > m.last_completed_seq) {
          m.last_completed_seq = op.seq;
          m.last_completed_kind = op.arrivals[0].call.kind;
        }
      }
    }
    OpRecord& record = BeginRecordLocked(op.seq, op.arrivals[0].call);
    for (size_t i = 0; i < op.arrivals.size(); ++i) {
      AddArrivalLocked(record, op.ranks[i], op.arrivals[i]);
    }
    record.path.assign(op.path);
    FinishRecordLocked(record, status);
  }
  for (Arrival& a : op.arrivals) a.done(status, op.seq);
  const bool out_of_step = IsMultiNode() || HasDeviceRanks(op.plan);
  if (out_of_step && !status.ok() && status.code() != StatusCode::kInvalidArgument) {
    // The nodes are out of step, or GPUs are (part of an op may be enqueued
    // on some, or a communicator failed): nothing more can run on this
    // epoch.
    Completions out;
    {
      std::lock_guard lock(mu_);
      BreakLocked(std::string(status.message()), out);
    }
    for (auto& fn : out) fn();
  }
}

bool Group::IsMultiNode() const {
  return network_ != nullptr && network_->topology().multi_node();
}

void Group::FormStep(std::unique_lock<std::mutex>& lock) {
  Completions out;
  auto finish = [&] {
    lock.unlock();
    for (auto& fn : out) fn();
    lock.lock();
  };
  if (!round_) {
    lock.unlock();
    StatusOr<std::unique_ptr<FormationRound>> round = cluster_->OpenRound(name_, world_size_);
    lock.lock();
    if (!round.ok()) {
      FailFormationLocked(round.status(), out);
      return finish();
    }
    round_ = std::move(round.value());
    epoch_ = round_->epoch();
  }
  if (state_ != GroupState::kForming) return;  // a rank left meanwhile
  // Register the ranks that joined since the last step.
  std::vector<std::pair<uint32_t, RankRecord>> todo;
  for (uint32_t r = 0; r < world_size_; ++r) {
    const Member& m = members_[r];
    if (!m.joined || !m.alive || m.registered) continue;
    todo.push_back({r, RankRecord{cluster_->node_name(), cluster_->peer_address(),
                                  m.session.identity.pid, m.session.id, m.gpu >= 0}});
  }
  std::vector<Status> results;
  lock.unlock();
  for (const auto& [rank, record] : todo) results.push_back(round_->Register(rank, record));
  lock.lock();
  for (size_t i = 0; i < todo.size(); ++i) {
    Member& m = members_[todo[i].first];
    if (results[i].ok()) {
      m.registered = true;
    } else if (m.join_done && m.session.id == todo[i].second.session_id) {
      // This rank alone cannot join; the others keep forming.
      out.push_back([d = std::move(m.join_done), st = results[i],
                     r = JoinResult{id_, epoch_, world_size_, todo[i].first}] { d(st, r); });
      m = Member{};
    }
  }
  if (state_ != GroupState::kForming) return finish();
  const Clock::time_point deadline = join_deadline_;
  const Clock::time_point poll_until = std::min(deadline, Clock::now() + kFormPoll);
  std::shared_ptr<FormationRound> round = round_;
  lock.unlock();
  std::optional<Status> result;
  if (Clock::now() >= deadline) {
    StatusOr<std::vector<uint32_t>> missing = round->Missing();
    Status late = DeadlineExceeded(
        "group '" + name_ + "' epoch " + std::to_string(round->epoch()) +
        " did not form before its join deadline: " +
        (missing.ok() ? "ranks " + RankList(missing.value()) + " of " +
                            std::to_string(world_size_) + " never joined on any node"
                      : "the rendezvous store could not say which ranks are missing (" +
                            missing.status().ToString() + ")") +
        "; start them or raise the join timeout");
    StatusOr<bool> failed = round->Fail(late);
    result = failed.ok() && !failed.value() ? Status::Ok() : late;
  } else {
    result = round->Await(poll_until);
  }
  std::optional<StatusOr<std::unique_ptr<GroupNetwork>>> network;
  if (result && result->ok()) network = round->Connect(deadline);
  lock.lock();
  if (!result && state_ == GroupState::kForming) {
    // Still forming: the rest of this slice, unless a rank joins here (the
    // round may wait for exactly that) or the group stops.
    finish();
    cv_.wait_until(lock, poll_until, [this] {
      return stop_ || state_ != GroupState::kForming ||
             std::any_of(members_.begin(), members_.end(), [](const Member& m) {
               return m.joined && m.alive && !m.registered;
             });
    });
    return;
  }
  if (!result || state_ != GroupState::kForming) return finish();
  if (!result->ok()) {
    FailFormationLocked(*result, out);
  } else if (!network->ok()) {
    FailFormationLocked(network->status(), out);
  } else {
    BecomeReadyLocked(std::move(network->value()), out);
  }
  finish();
}

void Group::FailFormationLocked(const Status& status, Completions& out) {
  spdlog::warn("group '{}' epoch {} did not form: {}", name_, epoch_.load(), status.ToString());
  FinishJoinsLocked(status, out);
  for (Member& m : members_) m.alive = false;
  state_ = GroupState::kDestroyed;
  stop_ = true;
}

void Group::BecomeReadyLocked(std::unique_ptr<GroupNetwork> network, Completions& out) {
  const Topology& topo = network->topology();
  for (uint32_t r = 0; r < world_size_; ++r) {
    Member& m = members_[r];
    m.node = topo.nodes[topo.node_of[r]];
    if (topo.node_of[r] == topo.self) continue;
    m.joined = true;
    m.remote = true;
    m.session.id = topo.ranks[r].session_id;
    m.session.identity.pid = topo.ranks[r].pid;
  }
  local_ = topo.local();
  // Every node sees the same records, so every node prepares, or none.
  prepare_ = std::all_of(topo.ranks.begin(), topo.ranks.end(),
                         [](const RankRecord& r) { return r.gpu_named; });
  network_ = std::move(network);
  state_ = GroupState::kReady;
  spdlog::info("group '{}' epoch {} is READY with {} ranks on {} node(s), {} here", name_,
               epoch_.load(), world_size_, topo.nodes.size(), local_.size());
  FinishJoinsLocked(Status::Ok(), out);
  // A local rank that left between registering and now breaks it at once.
  for (uint32_t r : local_) {
    if (members_[r].alive) continue;
    BreakLocked("rank " + std::to_string(r) + " left before the group formed", out);
    break;
  }
}

void Group::TellNodesLocked(const Status& why, Completions& out) {
  if (!network_ || !network_->topology().multi_node()) return;
  out.push_back([network = network_, why] { network->Break(why); });
}

GroupView Group::View() const {
  std::lock_guard lock(mu_);
  return ViewLocked();
}

GroupDump Group::Dump() const {
  std::lock_guard lock(mu_);
  return GroupDump{ViewLocked(), recorder_.Dump()};
}

GroupView Group::ViewLocked() const {
  const Clock::time_point now = Clock::now();
  GroupView v;
  v.id = id_;
  v.name = name_;
  v.epoch = epoch_.load();
  v.state = state_;
  v.world_size = world_size_;
  v.broken_reason = broken_reason_;
  v.age = Millis(now - created_);
  v.completed_seq = UINT64_MAX;
  for (uint32_t r = 0; r < world_size_; ++r) {
    const Member& m = members_[r];
    v.joined += m.joined ? 1 : 0;
    v.completed_seq = std::min(v.completed_seq, m.last_completed_seq);
    v.members.push_back(MemberView{r, m.joined, m.alive || m.remote, m.session.id,
                                   m.session.identity.pid, m.session.identity.uid,
                                   m.last_completed_seq, m.node, m.remote,
                                   m.remote ? std::nullopt : m.last_completed_kind});
  }
  if (network_) {
    const Topology& t = network_->topology();
    for (size_t k = 0; k < t.nodes.size(); ++k) {
      v.nodes.push_back(NodeView{t.nodes[k], t.node_addresses[k], t.node_ranks[k], k == t.self});
    }
  }
  // Collectives of a multi-node group: the other nodes' ranks.
  auto add_elsewhere = [this](InFlightView& f) {
    if (!IsMultiNode()) return;
    for (uint32_t r = 0; r < world_size_; ++r) {
      if (members_[r].remote) f.elsewhere.push_back(r);
    }
  };
  if (executing_view_) {
    InFlightView& f = v.in_flight.emplace_back(*executing_view_);
    for (Clock::time_point at : executing_arrived_at_) {
      f.arrived_waiting.push_back(Millis(now - at));
      f.waiting = std::max(f.waiting, f.arrived_waiting.back());
    }
    add_elsewhere(f);
  }
  for (const auto& [seq, op] : pending_) {
    InFlightView f;
    f.seq = seq;
    for (uint32_t r = 0; r < world_size_; ++r) {
      if (op.ranks[r]) {
        f.arrived.push_back(r);
        f.arrived_waiting.push_back(Millis(now - op.ranks[r]->arrived));
        if (f.arrived.size() == 1) f.call = op.ranks[r]->call;
      }
    }
    f.missing = MissingLocked(op);
    add_elsewhere(f);
    f.waiting = Millis(now - op.first_arrival);
    v.in_flight.push_back(std::move(f));
  }
  // Cross-node sends and recvs posted to the network: the other side is
  // another node's to report.
  for (const InTransit& t : transit_) {
    const Arrival& a = t.op.arrivals[0];
    InFlightView f;
    f.call = a.call;
    f.arrived = {t.op.ranks[0]};
    f.elsewhere = {a.call.peer};
    f.waiting = Millis(now - a.arrived);
    f.arrived_waiting = {f.waiting};
    v.in_flight.push_back(std::move(f));
  }
  for (const auto& [key, ch] : channels_) {
    for (const auto* q : {&ch.sends, &ch.recvs}) {
      if (q->empty()) continue;
      InFlightView f;
      f.call = q->front().call;
      const bool send = q == &ch.sends;
      f.arrived = {send ? key.first : key.second};
      f.missing = {send ? key.second : key.first};
      f.waiting = Millis(now - q->front().arrived);
      f.arrived_waiting = {f.waiting};
      v.in_flight.push_back(std::move(f));
    }
  }
  return v;
}

}  // namespace ccs
