// NodeComm: the daemons of one group epoch, one per node, connected by Gloo
// over TCP. Byte- and element-level collectives among the nodes, with every
// Gloo exception turned into a Status; no Gloo type appears here.
//
// Calls on one NodeComm must come from one thread at a time, in the same
// order on every node (Gloo matches them by order), except Close (any
// thread, any time). Every call waits at most `timeout`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/core/types.h"
#include "daemon/rendezvous/store.h"

namespace ccs::gloo_engine {

using Millis = std::chrono::milliseconds;

class NodeComm {
 public:
  virtual ~NodeComm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // In place: buf[i] = op over every node's buf[i], same on every node.
  // `op` is sum, prod, min or max (avg is the caller's division); 16- and
  // 8-bit floats accumulate each pairwise step in float32.
  virtual Status AllReduce(void* buf, size_t count, DataType dtype, ReduceOp op,
                           Millis timeout) = 0;
  // Like AllReduce, but only node `root` gets the result (in its buf);
  // other nodes' buf may be clobbered.
  virtual Status Reduce(void* buf, size_t count, DataType dtype, ReduceOp op, int root,
                        Millis timeout) = 0;
  // buf of every node = buf of `root`.
  virtual Status Broadcast(void* buf, size_t bytes, int root, Millis timeout) = 0;
  // out = the concatenation, in node order, of every node's `in`, where node
  // k contributes bytes_per_node[k] (== in_bytes on node k).
  virtual Status AllGatherV(const void* in, size_t in_bytes, void* out,
                            const std::vector<size_t>& bytes_per_node, Millis timeout) = 0;
  // Node k sends send_bytes[j] bytes (packed in node order in `in`) to node
  // j and receives recv_bytes[j] from it (packed in `out`).
  virtual Status AllToAllV(const void* in, const std::vector<size_t>& send_bytes, void* out,
                           const std::vector<size_t>& recv_bytes, Millis timeout) = 0;
  // A posted point-to-point transfer. Wait once; destroying it before it
  // completed abandons it (the buffer must stay valid until then).
  class Pending {
   public:
    virtual ~Pending() = default;
    virtual Status Wait(Millis timeout) = 0;
  };
  // Point to point, posted without waiting (any thread, concurrently with
  // the collectives: Gloo progresses it in the background). `slot` tells
  // transfers between the same two nodes apart and must be equal on both
  // sides; Gloo's collectives never use slots with a top byte of 0xcc.
  virtual StatusOr<std::unique_ptr<Pending>> PostSend(const void* buf, size_t bytes, int dst,
                                                      uint64_t slot) = 0;
  virtual StatusOr<std::unique_ptr<Pending>> PostRecv(void* buf, size_t bytes, int src,
                                                      uint64_t slot) = 0;
  // Closes every connection: the other nodes' pending and later calls fail
  // promptly (UNAVAILABLE), as do this node's later calls. Idempotent.
  virtual void Close() = 0;
};

struct NodeCommOptions {
  int rank = 0;
  int size = 1;
  // Namespace of the rendezvous keys; equal on every node, unique per epoch.
  std::string store_prefix;
  // The address this node listens on for the others (an IP or host name).
  std::string hostname;
  // Bounds the rendezvous and is the default timeout of the calls.
  Millis timeout{30'000};
};

// Rendezvous through `store` and connect to every other node; see
// MakeGlooContext for the errors.
StatusOr<std::unique_ptr<NodeComm>> ConnectNodeComm(std::shared_ptr<rendezvous::Store> store,
                                                   const NodeCommOptions& options);

}  // namespace ccs::gloo_engine
