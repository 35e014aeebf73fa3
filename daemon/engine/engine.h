// Engine: what executes one collective once every rank's buffers are known.
//
// The executor resolves every rank's buffer references to addresses in the
// daemon's address space, validates ranges and cross-rank agreement, and then
// calls Execute once per op. Implementations: host/ (shared memory, this
// node); cuda/ later.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/core/types.h"

namespace ccs {

// One rank's memory for one op. `in` and `out` are resolved by the executor:
// for in-place calls `in` points inside `out` (see collective.proto for where)
// and may alias it; otherwise the ranges do not overlap. Sizes are in
// elements of the plan's dtype.
struct RankIo {
  const std::byte* in = nullptr;
  std::byte* out = nullptr;
  uint64_t in_count = 0;
  uint64_t out_count = 0;
  // all_to_all_v only: this rank's per-peer send and recv counts (packed in
  // rank order, no gaps).
  std::vector<uint64_t> send_counts;
  std::vector<uint64_t> recv_counts;
  // Where in and out live: host memory mapped here (gpu < 0), or GPU `gpu`,
  // an index into the daemon's devices (in and out are then device
  // addresses valid in the daemon, through CUDA IPC mappings). Both buffers
  // of one rank are on the same side.
  int32_t gpu = -1;
  // Device ops only: the client's stream order, as opaque cudaEvent_t opened
  // in the daemon. The engine's work waits for `ready_event` (recorded by
  // the client on its stream before the call) and records `done_event` once
  // this rank's output is complete and its input is no longer read. Null:
  // no stream order; the op is then complete when Execute returns.
  void* ready_event = nullptr;
  void* done_event = nullptr;
};

// A group epoch's key-value space shared by its nodes (the rendezvous Store
// under the epoch's keys), for engines that must agree across nodes before
// they run an op natively (the CUDA engine's NCCL communicators). Keys are
// relative to the epoch. Thread-safe.
class GroupExchange {
 public:
  virtual ~GroupExchange() = default;
  virtual Status Set(const std::string& key, const std::string& value) = 0;
  // The value of `key`, waiting until `deadline` for some node to set it:
  // DEADLINE_EXCEEDED naming the key then.
  virtual StatusOr<std::string> Get(const std::string& key,
                                    std::chrono::steady_clock::time_point deadline) = 0;
};

// A validated op over all ranks of a group on this node.
//
// Semantics per kind (N = ranks.size(), c = count):
// - kAllReduce: out[r][i] = op_s in[s][i], i < c, for every r.
// - kAllGather: out[r][s*c + i] = in[s][i].
// - kAllGatherV: like all_gather with block s of counts[s] elements, packed.
// - kReduceScatter: out[r][i] = op_s in[s][r*c + i].
// - kReduceScatterV: block r of counts[r] elements, packed.
// - kReduce: out[root][i] = op_s in[s][i]; other ranks' out untouched.
// - kBroadcast: out[r][i] = in[root][i] (in of non-roots unused).
// - kGather: out[root][s*c + i] = in[s][i].
// - kScatter: out[r][i] = in[root][r*c + i].
// - kAllToAll: out[r][s*c + i] = in[s][r*c + i].
// - kAllToAllV: rank s sends send_counts[r] elements to r; blocks packed.
// - kSend (point to point): ranks = {sender, receiver}; out[1] = in[0].
//   With the other side on another node, this side alone: kSend with
//   ranks = {sender} or kRecv with ranks = {receiver}, and `peer`.
// - kBarrier: nothing to move.
// Reductions of float16/bfloat16/float8 accumulate in float32 and round once
// (float8 e4m3 saturates at +-448, e5m2 overflows to +-inf); avg divides the
// reduced value by N (integer division for integer types). Ranks are reduced
// in rank order 0..N-1, so results are deterministic.
struct OpPlan {
  // The group the op belongs to; engines keep per-group state (signal
  // blocks, NCCL communicators) under it until ForgetGroup.
  uint64_t group_id = 0;
  // The group's size and, per entry of `ranks`, its rank in the group (a
  // multi-node group's plan holds this node's ranks only).
  uint32_t world_size = 0;
  std::vector<uint32_t> group_ranks;
  CollectiveKind kind = CollectiveKind::kBarrier;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint64_t count = 0;
  std::vector<uint64_t> counts;  // *_v: one entry per rank
  uint32_t root = 0;
  // kSend/kRecv of one rank whose peer is on another node (multi-node
  // groups: ranks = {this side}, kind = its role): the peer's group rank.
  uint32_t peer = 0;
  std::vector<RankIo> ranks;     // index = rank in the group
  // The earliest deadline of the op's ranks (engines that wait on the host
  // for GPU work, or create NCCL communicators, stop there).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Multi-node groups: the epoch's exchange (null on a single node). Valid
  // during the call.
  GroupExchange* exchange = nullptr;
  // When set, an engine that chooses among ways to run an op writes the
  // one it took (static text, e.g. "cuda:one_shot"), for the flight
  // recorder and the metrics.
  std::string_view* path = nullptr;
};

// True when some rank's memory is on a GPU.
bool HasDeviceRanks(const OpPlan& plan);

// A host algorithm over a plan whose pointers are all host memory (the
// network's collectives of a multi-node group).
using HostRun = std::function<Status(const OpPlan& host_plan)>;

// A group that just became READY, for engines that set up per-group
// resources ahead of its first op.
struct GroupSetup {
  uint64_t group_id = 0;
  std::string name;
  uint32_t world_size = 0;
  std::vector<uint32_t> ranks;  // this node's ranks
  std::vector<int32_t> gpus;    // per rank: the GPU it named at join, or -1
  std::chrono::steady_clock::time_point deadline;  // the formation deadline
  // A multi-node group: the epoch's exchange, through which engines agree
  // across nodes. Every node calls PrepareGroup then, or none does.
  GroupExchange* exchange = nullptr;
};

class Engine {
 public:
  virtual ~Engine() = default;
  // Runs `plan` on the calling thread (it may fan work out to the engine's
  // own threads and waits for them). Returns OK only when every rank's
  // output is complete, or, for device ranks with a done_event, once the
  // work that completes it is enqueued on the GPUs in front of that event.
  // Thread-safe: several groups' executors may call concurrently on
  // disjoint memory; one group calls from one thread, in op order.
  virtual Status Execute(const OpPlan& plan) = 0;
  // Runs a multi-node group's share of an op (`run`: the network's host
  // algorithm) over `plan`, whose ranks may hold device memory: an engine
  // that serves device ranks copies their inputs (and outputs, for the parts
  // the op leaves untouched) to host memory after their ready events, calls
  // `run` with a plan of host pointers, copies the outputs back and records
  // the done events; or, when every node agreed through plan.exchange, runs
  // the op natively across the nodes without `run`. Host-only plans go to
  // `run` as they are (the default).
  virtual Status ExecuteStaged(const OpPlan& plan, const HostRun& run) { return run(plan); }
  // Sets up what the engine keeps for a group before its first op (NCCL
  // communicators), best effort: a failure is kept for the op-time paths
  // to see, never fails the group. Called once, from the group's executor
  // thread, before any Execute of it; blocks up to setup.deadline. For a
  // multi-node group (setup.exchange) it is called on every node or none,
  // so agreement through the exchange may happen here.
  virtual void PrepareGroup(const GroupSetup& /*setup*/) {}
  // The group is gone: drop what the engine keeps for it. Called once, from
  // the group's executor thread, after its last Execute.
  virtual void ForgetGroup(uint64_t /*group_id*/) {}
  virtual std::string_view Name() const = 0;
};

struct HostEngineOptions {
  // Threads used for one large op; 0 means std::thread::hardware_concurrency().
  unsigned threads = 0;
  // Ops below this many bytes per rank run on the calling thread alone.
  size_t parallel_threshold_bytes = 1 << 20;
};

// The host engine: shared-memory buffers of ranks on this node.
std::unique_ptr<Engine> MakeHostEngine(const HostEngineOptions& options);

}  // namespace ccs
