// Group: one epoch of a named set of ranks on this node, and the ordered
// executor of its collectives.
//
// Life: FORMING (ranks join; with a cluster, this daemon registers its
// ranks in the cluster's formation round and the group is READY once every
// node's ranks are in) -> READY (all joined) -> BROKEN (a rank died or
// left, an op timed out) -> DESTROYED (no live member left, or formation
// failed). Each group has one executor thread that owns the op order:
// collectives run in sequence-number order, point-to-point pairs in the order
// they were posted, and every wait has a deadline. gRPC threads never block
// here: results arrive through the Done callbacks, which run on the executor
// thread (or on the caller's thread for immediate errors) without any group
// lock held.
//
// Every op that finishes (completes or fails) is recorded once in the group's
// flight recorder and reported to the OpObserver, if any; when the group goes
// BROKEN the recorder is logged as one JSON line.
//
// Thread-safe. Lock order: GroupRegistry's lock before a Group's lock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/core/arrival.h"
#include "daemon/core/call.h"
#include "daemon/core/cluster.h"
#include "daemon/core/flight_recorder.h"
#include "daemon/core/mapping.h"
#include "daemon/core/op_observer.h"
#include "daemon/core/session_manager.h"
#include "daemon/core/status.h"
#include "daemon/core/types.h"
#include "daemon/engine/engine.h"

namespace ccs {

struct JoinResult {
  uint64_t group_id = 0;
  uint64_t epoch = 0;
  uint32_t world_size = 0;
  uint32_t rank = 0;
};
using JoinDone = std::function<void(const Status&, const JoinResult&)>;
// Snapshot for inspection.
struct MemberView {
  uint32_t rank = 0;
  bool joined = false;
  bool alive = false;
  uint64_t session_id = 0;
  int32_t pid = 0;
  uint32_t uid = 0;
  uint64_t last_completed_seq = 0;
  // Multi-node groups: the node serving the rank; remote ranks are served
  // by another daemon (their session, pid and progress are its to know).
  std::string node;
  bool remote = false;
  // The collective of last_completed_seq (nullopt: none yet, or remote).
  std::optional<CollectiveKind> last_completed_kind;
};
struct InFlightView {
  uint64_t seq = 0;
  CollectiveCall call;  // of the first rank that arrived
  std::vector<uint32_t> arrived;
  std::vector<std::chrono::milliseconds> arrived_waiting;  // per arrived rank
  // Ranks served here that have not arrived.
  std::vector<uint32_t> missing;
  // Multi-node: the other nodes' ranks that did not arrive here (whether
  // they arrived there is theirs to report).
  std::vector<uint32_t> elsewhere;
  std::chrono::milliseconds waiting{0};
};
// A node of a multi-node group.
struct NodeView {
  std::string name;
  std::string peer_address;
  std::vector<uint32_t> ranks;
  bool self = false;
};
struct GroupView {
  uint64_t id = 0;
  std::string name;
  uint64_t epoch = 0;
  GroupState state = GroupState::kForming;
  uint32_t world_size = 0;
  uint32_t joined = 0;
  uint64_t completed_seq = 0;
  std::string broken_reason;
  std::chrono::milliseconds age{0};
  std::vector<MemberView> members;
  std::vector<InFlightView> in_flight;
  // Multi-node groups once READY (or BROKEN after): the topology's nodes.
  std::vector<NodeView> nodes;
};

// A group's view together with its flight recorder, taken at one instant.
struct GroupDump {
  GroupView view;
  FlightDump flight;
};

// What a group reports to and how much it remembers.
struct GroupHooks {
  // Told about every finished op; may be null. Must outlive the group.
  OpObserver* observer = nullptr;
  // Ops the flight recorder keeps (config `flight_recorder_ops`).
  uint32_t flight_recorder_ops = kDefaultFlightRecorderOps;
  // Null: every rank is on this node. Otherwise the group forms in a round
  // of the cluster, its epoch is the round's, and ops run across nodes.
  // Must outlive the group.
  Cluster* cluster = nullptr;
  // With `cluster`: the round the group forms in, already open (a subgroup:
  // Cluster::PresetRound); null: the group opens its name's round itself.
  std::shared_ptr<FormationRound> round = nullptr;
};

class Group : public std::enable_shared_from_this<Group> {
 public:
  // Called on the executor thread once the group is DESTROYED by its own
  // doing (formation deadline), so the registry can forget it.
  using DestroyedCallback = std::function<void(uint64_t group_id)>;

  // Creates a FORMING group and starts its executor thread. `engine` runs
  // its ops; once the group ran an op on device memory, the executor calls
  // engine->ForgetGroup(id) as it stops, so the engine must outlive it.
  static std::shared_ptr<Group> Create(uint64_t id, std::string name, uint64_t epoch,
                                       uint32_t world_size, Engine* engine,
                                       Clock::time_point join_deadline,
                                       DestroyedCallback on_destroyed,
                                       GroupHooks hooks = {});
  ~Group();

  uint64_t id() const { return id_; }
  const std::string& name() const { return name_; }
  // With a cluster, 0 until the formation round is open.
  uint64_t epoch() const { return epoch_.load(); }
  uint32_t world_size() const { return world_size_; }
  GroupState state() const;

  // Adds `rank` for `session` while FORMING; `done` runs when the group is
  // READY or formation fails. A rank re-joined by the same session replaces
  // its earlier (abandoned) join. Errors (returned, `done` not called):
  // INVALID_ARGUMENT for a world size other than the group's, ALREADY_EXISTS
  // for a rank another session holds, FAILED_PRECONDITION unless FORMING.
  // `gpu`: the GPU (daemon index) the rank named at join, or -1; when
  // every rank of the group named one (on any node: the formation round
  // carries it), the executor asks the engine to set the group up
  // (Engine::PrepareGroup) once READY, before its first op.
  Status Join(uint32_t rank, uint32_t world_size, const Session& session,
              Clock::time_point deadline, JoinDone done, int32_t gpu = -1);

  // The rank `session_id` holds as a live member, if any.
  std::optional<uint32_t> RankOf(uint64_t session_id) const;

  // Queues op `arrival` of `rank`. `done` always runs exactly once.
  void Submit(uint32_t rank, Arrival arrival);

  // `rank` left or its session ended; `why` says which. A READY group goes
  // BROKEN and every pending op fails with ABORTED naming the rank; while
  // FORMING the formation fails: every rank that joined gets ABORTED naming
  // it. Returns true when no live member is left: the group is then
  // DESTROYED and its executor stops.
  bool RemoveMember(uint32_t rank, const std::string& why);

  // Something outside the executor found the ranks out of step (the
  // metadata plane: an object op timed out): a READY group goes BROKEN with
  // `reason`, exactly as when a collective times out (pending ops fail with
  // ABORTED naming it, the other nodes are told). No-op unless READY.
  void Break(const std::string& reason);

  // The daemon is draining: from now on an op that would start a new
  // sequence number (or a send/recv with no queued match) is refused with
  // `refusal` (UNAVAILABLE) on the calling rank only; ops some rank already
  // started still complete when their other ranks arrive. Idempotent.
  void Drain(const Status& refusal);

  // Ops started by at least one rank and not yet answered: pending
  // sequence numbers, queued sends/recvs, ops waiting for or inside the
  // engine.
  size_t InFlightOps() const;

  // Fails everything pending with `status`, marks the group DESTROYED and
  // stops the executor (daemon shutdown). An op already inside the engine
  // still completes (its ranks get its real result).
  void Shutdown(const Status& status);

  // Blocks until the executor thread has stopped (after Shutdown, or once
  // the group is DESTROYED) or `deadline` passes; true if it stopped.
  bool WaitStopped(Clock::time_point deadline) const;

  GroupView View() const;
  GroupDump Dump() const;

 private:
  struct Member {
    bool joined = false;
    bool alive = false;
    bool registered = false;  // in the cluster's formation round
    bool remote = false;      // served by another node's daemon
    int32_t gpu = -1;         // named at join (daemon index), or -1
    std::string node;
    Session session;
    JoinDone join_done;
    uint64_t next_seq = 0;
    uint64_t last_completed_seq = 0;
    std::optional<CollectiveKind> last_completed_kind;
  };
  // Ops of one sequence number, until every rank arrived. ranks[r] is set
  // once rank r arrived; its `done` is null once it was answered (mismatch),
  // the arrival staying for the record.
  struct PendingOp {
    std::vector<std::optional<Arrival>> ranks;
    uint32_t arrived = 0;
    Clock::time_point first_arrival;
    Clock::time_point deadline = Clock::time_point::max();
    std::optional<Status> failed;  // mismatch: later arrivals fail too
  };
  // Point-to-point queues from one rank to another.
  struct Channel {
    std::deque<Arrival> sends;
    std::deque<Arrival> recvs;
    uint64_t next_seq = 0;
  };
  // An op whose ranks all arrived, waiting for the executor.
  struct ReadyOp {
    uint64_t seq = 0;
    OpPlan plan;
    std::vector<uint32_t> ranks;    // group ranks, in plan order
    std::vector<Arrival> arrivals;  // same order
    std::string_view path;          // how the engine ran it (static text)
  };
  // A cross-node send or recv posted to the network, awaiting completion.
  struct InTransit {
    ReadyOp op;
    std::unique_ptr<Transfer> transfer;
  };
  using Completions = std::vector<std::function<void()>>;

  Group(uint64_t id, std::string name, uint64_t epoch, uint32_t world_size,
        Engine* engine, Clock::time_point join_deadline, DestroyedCallback on_destroyed,
        GroupHooks hooks);

  void Run();
  // READY with ranks on other nodes.
  bool IsMultiNode() const;
  // One step of forming through the cluster: opens the round, registers
  // newly joined ranks, waits briefly for the round's result, connects.
  // Called by the executor with `lock` held; releases it around store calls.
  void FormStep(std::unique_lock<std::mutex>& lock);
  // Formation failed: every joined rank gets `status`, the group is
  // DESTROYED.
  void FailFormationLocked(const Status& status, Completions& out);
  // The round formed and `network` connects the nodes: READY.
  void BecomeReadyLocked(std::unique_ptr<GroupNetwork> network, Completions& out);
  // Tells the other nodes that the group broke here (no-op without them).
  void TellNodesLocked(const Status& why, Completions& out);
  // All `Locked` helpers need mu_ held; they queue callbacks in `out`.
  void SubmitCollectiveLocked(uint32_t rank, Arrival arrival, Completions& out);
  void SubmitPointToPointLocked(uint32_t rank, Arrival arrival, Completions& out);
  void MatchChannelLocked(Channel& ch, uint32_t src, uint32_t dst, Completions& out);
  void ExpireLocked(Clock::time_point now, Completions& out);
  // READY -> BROKEN: fails everything pending with ABORTED naming `reason`
  // and logs the flight recorder. With `quiet_if_idle` and no op in flight
  // (ranks leaving at the end of a job) it only logs one info line.
  void BreakLocked(const std::string& reason, Completions& out, bool quiet_if_idle = false);
  void FailAllPendingLocked(const Status& status, Completions& out);
  Clock::time_point NextDeadlineLocked() const;
  std::vector<uint32_t> MissingLocked(const PendingOp& op) const;
  void Execute(ReadyOp& op);
  // Answers every rank of `op` with `status` (after the shared-memory fault
  // check), records it, and breaks the group when a multi-node op or a
  // device op failed (anything but INVALID_ARGUMENT: the nodes or GPUs may
  // be out of step).
  void FinishOp(ReadyOp& op, Status status);
  // The transit thread: waits for posted transfers in posting order.
  void RunTransits();
  void FinishJoinsLocked(const Status& status, Completions& out);
  // Whether `arrival` of `rank` joins an op some rank already started.
  bool JoinsStartedOpLocked(uint32_t rank, const Arrival& arrival);
  GroupView ViewLocked() const;
  // Flight recorder: a slot filled with `call` at `seq`, its arrivals added
  // one by one, then finished with the status every arrived rank got.
  OpRecord& BeginRecordLocked(uint64_t seq, const CollectiveCall& call);
  void AddArrivalLocked(OpRecord& record, uint32_t rank, const Arrival& arrival);
  void FinishRecordLocked(OpRecord& record, const Status& status);
  void RecordPendingLocked(uint64_t seq, const PendingOp& op, const Status& status);

  const uint64_t id_;
  const std::string name_;
  std::atomic<uint64_t> epoch_;
  const uint32_t world_size_;
  Cluster* const cluster_;
  Engine* const engine_;
  const Clock::time_point created_;
  const DestroyedCallback on_destroyed_;
  OpObserver* const observer_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  GroupState state_ = GroupState::kForming;
  Clock::time_point join_deadline_;
  std::string broken_reason_;
  std::vector<Member> members_;
  std::vector<uint32_t> local_;  // ranks served here, ascending (set when READY)
  std::shared_ptr<FormationRound> round_;
  std::shared_ptr<GroupNetwork> network_;  // set once, when READY
  std::map<uint64_t, PendingOp> pending_;
  std::map<std::pair<uint32_t, uint32_t>, Channel> channels_;
  std::deque<ReadyOp> ready_;
  bool executing_ = false;            // an op is inside the engine
  // Multi-node: the op inside the engine and network, for inspection (its
  // local ranks arrived; the other nodes' are theirs to report).
  std::optional<InFlightView> executing_view_;
  std::vector<Clock::time_point> executing_arrived_at_;  // per arrived rank
  // Posted cross-node transfers; the transit thread waits on the front.
  std::deque<InTransit> transit_;
  bool transit_running_ = false;      // the transit thread exists
  std::optional<Status> draining_;    // the refusal of new ops
  FlightRecorder recorder_;
  // Calls that may block (store), made by the executor before it stops.
  Completions on_stop_;
  bool stop_ = false;
  bool stopped_ = false;              // the executor thread has left Run()
  bool device_ops_ = false;           // executor thread only: ran a device op
  bool prepare_ = false;              // READY and not yet set up (PrepareGroup)
  std::thread thread_;
};

}  // namespace ccs
