// Cluster: what a group spanning several nodes needs from the other nodes,
// as core sees it. Core knows only these interfaces; daemon/cluster
// implements them with the rendezvous Store, Gloo and the peer protocol.
//
// A multi-node group forms in a round: every daemon that serves ranks of
// the group registers them in the round (through the Store), the round
// forms once all world_size ranks are registered, and each daemon then
// connects to the other nodes of the group (GroupNetwork). Failures in any
// node end the round (or break the formed group) for every node.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/call.h"
#include "daemon/core/status.h"
#include "daemon/engine/engine.h"

namespace ccs {

using Clock = std::chrono::steady_clock;

// One rank's registration: who serves it and which process holds it.
struct RankRecord {
  std::string node;          // node name of the daemon serving the rank
  std::string peer_address;  // that daemon's advertised peer address
  int32_t pid = 0;
  uint64_t session_id = 0;
  // The rank named its GPU at join: when every rank did, the nodes set the
  // group's GPU resources up as it forms (Engine::PrepareGroup).
  bool gpu_named = false;
};

// Where every rank of a formed group lives. Nodes are ordered by their
// lowest rank; `self` is this daemon's node.
struct Topology {
  std::vector<RankRecord> ranks;                  // index = group rank
  std::vector<std::string> nodes;                 // node names
  std::vector<std::string> node_addresses;        // peer address per node
  std::vector<uint32_t> node_of;                  // group rank -> node index
  std::vector<std::vector<uint32_t>> node_ranks;  // per node, ascending
  uint32_t self = 0;
  // Node k holds one block of consecutive ranks and blocks are in node
  // order, so node-major order equals rank order.
  bool contiguous = false;

  const std::vector<uint32_t>& local() const { return node_ranks[self]; }
  bool multi_node() const { return nodes.size() > 1; }
};

// The topology of `ranks` (index = group rank) seen from the daemon named
// `self_node`. INVALID_ARGUMENT when a record is incomplete, when one node
// name has two peer addresses (two daemons with the same node name), or when
// `self_node` serves no rank.
StatusOr<Topology> BuildTopology(std::vector<RankRecord> ranks,
                                 const std::string& self_node);

// One point-to-point transfer in progress (posted, not yet complete).
class Transfer {
 public:
  virtual ~Transfer() = default;
  // Blocks until the transfer completed (OK) or failed, at the latest at
  // `deadline` (DEADLINE_EXCEEDED naming the other rank). Call once.
  virtual Status Wait(Clock::time_point deadline) = 0;
};

// The executing side of one formed multi-node group epoch. Called from the
// group's executor thread only, except Break (any thread).
class GroupNetwork {
 public:
  virtual ~GroupNetwork() = default;
  virtual const Topology& topology() const = 0;

  // Runs collective `seq` of the whole group: `call` is what the local
  // ranks called (they agreed), `local_plan` their memory (ranks in
  // topology().local() order, RankIo laid out for the whole group).
  // Returns OK only when every local rank's output is complete and every
  // node ran the same op. INVALID_ARGUMENT when nodes called different
  // collectives at `seq` (every node gets it, naming ranks and calls; the
  // group stays usable); any other error means the group is unusable.
  virtual Status RunCollective(uint64_t seq, const CollectiveCall& call,
                               const OpPlan& local_plan, Clock::time_point deadline) = 0;

  // Posts this node's side of transfer `seq` of channel src -> dst, where
  // exactly one of them is local: `io` is the sender's input (local src) or
  // the receiver's output (local dst), `bytes` long. Never blocks: transfers
  // progress in the background, each in its own slot, so a node with sends
  // and recvs in flight to several peers cannot deadlock on their order.
  virtual StatusOr<std::unique_ptr<Transfer>> StartTransfer(uint32_t src, uint32_t dst,
                                                            uint64_t seq, const RankIo& io,
                                                            uint64_t bytes) = 0;

  // The group broke on this node for `why`: tells every other node (their
  // pending and later network steps fail, naming `why`). Idempotent; may
  // block for a bounded time (one store call).
  virtual void Break(const Status& why) = 0;

  // The epoch's key-value space shared with the other nodes (see
  // GroupExchange in engine.h); lives as long as the network.
  virtual GroupExchange* exchange() = 0;
};

// One formation round of a multi-node group name (one epoch).
class FormationRound {
 public:
  virtual ~FormationRound() = default;
  virtual uint64_t epoch() const = 0;

  // Registers `rank` as served here. Re-registering a rank with the same
  // record is a no-op. ALREADY_EXISTS when another process holds the rank;
  // INVALID_ARGUMENT when the round was opened with another world size.
  virtual Status Register(uint32_t rank, const RankRecord& record) = 0;

  // Waits at most until `until` for the round to end: nullopt while it is
  // still forming (possibly at once, when only a Register can end it), OK
  // once every rank registered, or the status it failed with (on any node).
  // An error of the store itself is returned as that status.
  virtual std::optional<Status> Await(Clock::time_point until) = 0;

  // Ranks no node has registered yet.
  virtual StatusOr<std::vector<uint32_t>> Missing() = 0;

  // Ends the round with `why` unless it formed first. Returns true when it
  // failed (every node will see `why`), false when it had formed.
  virtual StatusOr<bool> Fail(const Status& why) = 0;

  // After Await returned OK: reads where every rank lives and connects to
  // the group's other nodes by `deadline`.
  virtual StatusOr<std::unique_ptr<GroupNetwork>> Connect(Clock::time_point deadline) = 0;
};

// This daemon's membership in a cluster of daemons.
class Cluster {
 public:
  virtual ~Cluster() = default;
  virtual const std::string& node_name() const = 0;
  virtual const std::string& peer_address() const = 0;
  // Joins the open formation round of group `name`, or opens the next one
  // (a new epoch) when none is open. Blocks for store calls only.
  virtual StatusOr<std::unique_ptr<FormationRound>> OpenRound(const std::string& name,
                                                              uint32_t world_size) = 0;

  // The round of a subgroup whose members a parent group already decided:
  // `members` (index = rank in the subgroup) say where every rank lives, so
  // nothing is registered in the Store and no node waits for another's
  // registrations. Its epoch is 1. It forms once every rank that
  // `members` places on this node registered (Register checks the record
  // against `members`); Connect then links the subgroup's nodes, their Gloo
  // rendezvous and failure keys under `key`, which must be unique per
  // subgroup of one parent epoch and equal on every node. Missing lists this
  // node's unregistered ranks; Fail ends it here only (the other nodes'
  // Connect fails at their deadline).
  virtual std::unique_ptr<FormationRound> PresetRound(const std::string& key,
                                                      std::vector<RankRecord> members) = 0;
};

}  // namespace ccs
