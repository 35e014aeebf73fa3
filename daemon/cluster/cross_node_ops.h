// Collectives over several nodes: the node step on this daemon's local ranks
// (through the local Engine) around one network step among the group's
// daemons (NodeComm), with results landing in every local rank's buffer.
//
// Every node calls RunCrossNode for the same op in the same order; the first
// thing it does is exchange a header with every node, so nodes that reached
// the same sequence number with different calls all get INVALID_ARGUMENT
// naming a rank of each, instead of a hang. Large all_reduce, reduce and
// broadcast ops are cut into chunks so that the node step of one chunk
// overlaps the network step of the previous one.
//
// Not thread-safe: one op at a time per CrossNode (the group's executor).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "daemon/core/call.h"
#include "daemon/core/cluster.h"
#include "daemon/engine/engine.h"
#include "daemon/engine/gloo/node_comm.h"

namespace ccs::cluster {

class CrossNode {
 public:
  // `topology`, `comm` and `local` must outlive this object. `chunk_bytes`
  // is the pipelining unit of large ops.
  CrossNode(const Topology& topology, gloo_engine::NodeComm& comm, Engine& local,
            std::string group_name, size_t chunk_bytes = size_t{4} << 20);

  // Runs op `seq`: `call` as the local ranks made it, `local_plan.ranks[i]`
  // the memory of local rank topology.local()[i], laid out for the whole
  // group (see OpPlan). The header exchange waits until `deadline` (plus a
  // margin) for the other nodes; the data steps wait up to `data_timeout`.
  // Errors: INVALID_ARGUMENT for a cross-node mismatch (the group can go
  // on); anything else (UNAVAILABLE, DEADLINE_EXCEEDED, ...) leaves the
  // nodes out of step, and the group must break.
  Status Run(uint64_t seq, const CollectiveCall& call, const OpPlan& local_plan,
             std::chrono::steady_clock::time_point deadline,
             std::chrono::milliseconds data_timeout);

 private:
  Status ExchangeHeaders(uint64_t seq, const CollectiveCall& call,
                         std::chrono::milliseconds timeout);
  Status CheckAllToAllVCounts(const OpPlan& plan);
  Status AllReduceOrReduce(const CollectiveCall& call, const OpPlan& plan);
  Status Broadcast(const CollectiveCall& call, const OpPlan& plan);
  Status AllGatherOrGather(const CollectiveCall& call, const OpPlan& plan);
  Status ReduceScatter(const CollectiveCall& call, const OpPlan& plan);
  Status Scatter(const CollectiveCall& call, const OpPlan& plan);
  Status AllToAll(const CollectiveCall& call, const OpPlan& plan);

  // Elements each group rank contributes or receives in packed layouts
  // (count for every rank, or counts[r] for the *_v kinds).
  std::vector<uint64_t> BlockCounts(const CollectiveCall& call) const;
  // Index of group rank `rank` in topology().local(), or -1.
  int LocalIndex(uint32_t rank) const;
  std::byte* Scratch(std::vector<std::byte>& s, size_t bytes);

  const Topology& topo_;
  gloo_engine::NodeComm& comm_;
  Engine& local_;
  const std::string group_;
  const size_t chunk_bytes_;
  std::chrono::milliseconds timeout_{0};  // of the current op's data steps
  std::vector<std::byte> scratch_a_;
  std::vector<std::byte> scratch_b_;
};

}  // namespace ccs::cluster
