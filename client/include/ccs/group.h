// Groups and collectives.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ccs/buffer.h"
#include "ccs/kv_scope.h"
#include "ccs/types.h"

namespace ccs {

class ClientImpl;

// One collective call of this rank, as the daemon sees it. Counts are in
// elements. Layouts follow NCCL (see proto/ccs/v1/collective.proto); leave
// `send` empty for the in-place variant.
struct CollectiveCall {
  CollectiveKind kind = CollectiveKind::kBarrier;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint64_t count = 0;
  std::vector<uint64_t> counts;       // all_gather_v, reduce_scatter_v
  std::vector<uint64_t> send_counts;  // all_to_all_v
  std::vector<uint64_t> recv_counts;  // all_to_all_v
  uint32_t root = 0;
  uint32_t peer = 0;                  // send, recv
  BufferView send;
  BufferView recv;
  // 0: the daemon's default op timeout (ccsd's op_timeout_ms). The SDK
  // itself stops waiting for the daemon's answer after timeout + 10 s, or
  // 10 min + 10 s for 0, and then throws DEADLINE_EXCEEDED.
  std::chrono::milliseconds timeout{0};
};

// How Group::Split and Group::NewSubgroup name and bound the new group.
struct SubgroupOptions {
  // NewSubgroup: the new group's name; Split: the prefix of "<name>/<color>".
  // Empty: derived from this group ("<name>@<epoch>/split<n>/<color>",
  // n counting this group's splits).
  std::string name;
  // Formation deadline; 0: the daemon's join_timeout_ms.
  std::chrono::milliseconds timeout{0};
};

// This process's membership in a group, as rank `rank()` of `size()`.
// A collective on host buffers blocks until it has completed on this rank's
// buffers; one on device buffers returns once its work is enqueued, ordered
// on the Group's stream (see SetStream and DeviceBuffer). Both throw
// ccs::Error on failure (DEADLINE_EXCEEDED, ABORTED, INVALID_ARGUMENT, ...).
// Not thread-safe: call collectives of one group from one thread, in the
// same order on every rank. Destroying a Group leaves it.
class Group {
 public:
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  const std::string& name() const { return name_; }
  uint64_t id() const { return id_; }
  uint64_t epoch() const { return epoch_; }
  uint32_t rank() const { return rank_; }
  uint32_t size() const { return size_; }

  // Runs any collective; returns this rank's sequence number of it.
  uint64_t Run(const CollectiveCall& call);

  // The CUDA stream (a cudaStream_t) this Group's collectives on device
  // buffers are ordered on from now on: each waits for the work enqueued on
  // it before the call, and work enqueued after the call waits for its
  // results. Default nullptr: the legacy default stream of the buffers'
  // device. The stream must be on the buffers' device and stay alive while
  // the Client does (the Client registers each (device, stream) pair with
  // the daemon once, on first use, and keeps it). Collectives on one stream
  // from several Groups or threads are serialised. No effect on host
  // buffers.
  void SetStream(void* cuda_stream) { stream_ = cuda_stream; }
  void* stream() const { return stream_; }
  // Blocks until all work on the stream, this Group's collectives (the
  // daemon's part included) and the caller's own, is complete
  // (cudaStreamSynchronize). Throws ccs::Error (FAILED_PRECONDITION naming
  // the CUDA error) when CUDA fails, e.g. without a GPU. With an SDK built
  // without CUDA it returns at once: no work of it is ever on a stream.
  void Synchronize();

  void AllReduce(BufferView send, BufferView recv, uint64_t count, DataType dtype,
                 ReduceOp op);
  void AllGather(BufferView send, BufferView recv, uint64_t count, DataType dtype);
  void AllGatherV(BufferView send, BufferView recv, std::vector<uint64_t> counts,
                  DataType dtype);
  void ReduceScatter(BufferView send, BufferView recv, uint64_t count, DataType dtype,
                     ReduceOp op);
  void ReduceScatterV(BufferView send, BufferView recv, std::vector<uint64_t> counts,
                      DataType dtype, ReduceOp op);
  void Reduce(BufferView send, BufferView recv, uint64_t count, DataType dtype,
              ReduceOp op, uint32_t root);
  void Broadcast(BufferView send, BufferView recv, uint64_t count, DataType dtype,
                 uint32_t root);
  void Gather(BufferView send, BufferView recv, uint64_t count, DataType dtype,
              uint32_t root);
  void Scatter(BufferView send, BufferView recv, uint64_t count, DataType dtype,
               uint32_t root);
  void AllToAll(BufferView send, BufferView recv, uint64_t count, DataType dtype);
  void AllToAllV(BufferView send, BufferView recv, std::vector<uint64_t> send_counts,
                 std::vector<uint64_t> recv_counts, DataType dtype);
  void Send(BufferView send, uint64_t count, DataType dtype, uint32_t peer);
  void Recv(BufferView recv, uint64_t count, DataType dtype, uint32_t peer);
  // The barrier of both planes: returns once every rank called it.
  void Barrier();

  // Subgroups, formed from this group without a rendezvous round. Both are
  // collective over this group: every rank calls them, in the same order
  // relative to its other collectives. The ranks' choices are exchanged
  // over this group (one all_gather), and the daemons form each new group
  // from where they know its members live.
  //
  // MPI_Comm_split: ranks passing the same color (>= 0) form one group,
  // ranked by (key, rank here); a negative color gives nullptr.
  std::unique_ptr<Group> Split(int32_t color, int32_t key,
                               const SubgroupOptions& options = {});
  // The ranks of this group listed in `ranks` (in the new group's order;
  // unique, each < size()) form a new group; ranks not listed get nullptr.
  // Every rank passes the same list (each rank's own list decides only
  // whether and where it is a member).
  std::unique_ptr<Group> NewSubgroup(const std::vector<uint32_t>& ranks,
                                     const SubgroupOptions& options = {});

  // --- Metadata plane: object collectives on opaque bytes ---
  // Payloads are bytes in std::string (binary-safe) that travel inside the
  // gRPC messages, at most ccsd's max_object_bytes per call and per rank's
  // result (all_gather: the sum of every rank's payload; scatter: the
  // root's whole list): RESOURCE_EXHAUSTED past it, nothing sent. Object
  // calls are numbered apart from the collectives above; object call N of
  // every rank must be the same op with the same root, else every rank gets
  // INVALID_ARGUMENT naming a rank and call of each side. A call that times
  // out (`timeout`, 0: ccsd's op_timeout_ms) throws DEADLINE_EXCEEDED
  // naming the ranks that never called it, and the group goes BROKEN. The
  // same threading rule as for collectives applies.

  // Returns the root's `payload` on every rank (`payload` is ignored
  // elsewhere).
  std::string BroadcastObject(const std::string& payload, uint32_t root,
                              std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // Returns every rank's payload, in rank order.
  std::vector<std::string> AllGatherObject(
      const std::string& payload,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // At the root, `payloads` holds one payload per rank (ignored elsewhere);
  // returns this rank's.
  std::string ScatterObject(const std::vector<std::string>& payloads, uint32_t root,
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // Buffered send to rank `dst`: returns once the daemon stored the payload,
  // before `dst` receives it. Sends from one rank to another arrive in order.
  void SendObject(const std::string& payload, uint32_t dst,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // The next payload rank `src` sent to this rank; DEADLINE_EXCEEDED naming
  // `src` when none comes in time.
  std::string RecvObject(uint32_t src,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // The group epoch's key-value scope (see kv_scope.h).
  KvScope Kv();

  // Leaves the group now (idempotent; the destructor calls it and swallows
  // errors).
  void Leave();

 private:
  friend class ClientImpl;
  // Throws FAILED_PRECONDITION once this rank has left.
  void CheckMember() const;
  Group(ClientImpl* client, std::string name, uint64_t id, uint64_t epoch,
        uint32_t rank, uint32_t size);

  ClientImpl* client_;
  std::string name_;
  uint64_t id_;
  uint64_t epoch_;
  uint32_t rank_;
  uint32_t size_;
  bool left_ = false;
  void* stream_ = nullptr;  // cudaStream_t of device-buffer collectives
  // Split's work; `name` is the new group's whole name (empty: derived).
  std::unique_ptr<Group> SplitAs(int32_t color, int32_t key, const std::string& name,
                                 std::chrono::milliseconds timeout);

  uint64_t splits_ = 0;                    // Split/NewSubgroup calls so far
  std::unique_ptr<HostBuffer> exchange_;  // their (color, key) all_gather
};

}  // namespace ccs
