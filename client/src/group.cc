#include "ccs/group.h"

#include <cstdio>
#include <utility>

#include "ccs/error.h"
#include "client/src/client_impl.h"

namespace ccs {

Group::Group(ClientImpl* client, std::string name, uint64_t id, uint64_t epoch,
             uint32_t rank, uint32_t size)
    : client_(client),
      name_(std::move(name)),
      id_(id),
      epoch_(epoch),
      rank_(rank),
      size_(size) {}

Group::~Group() {
  try {
    Leave();
  } catch (const Error& e) {
    std::fprintf(stderr, "ccs: leaving group %s failed: %s\n", name_.c_str(), e.what());
  }
  client_->OnGroupDestroyed();
}

void Group::Leave() {
  if (left_) return;
  left_ = true;  // even if the call fails: the daemon breaks the group anyway
  client_->LeaveGroup(id_);
}

void Group::CheckMember() const {
  if (left_) {
    throw Error(Code::kFailedPrecondition, "rank " + std::to_string(rank_) +
                                               " has left group " + name_ +
                                               "; join it again for more collectives");
  }
}

uint64_t Group::Run(const CollectiveCall& call) {
  CheckMember();
  return client_->RunCollective(id_, call, stream_);
}

void Group::Synchronize() { client_->SynchronizeStream(stream_); }

std::string Group::BroadcastObject(const std::string& payload, uint32_t root,
                                   std::chrono::milliseconds timeout) {
  CheckMember();
  // Only the root's payload travels.
  return client_->BroadcastObject(id_, root, rank_ == root ? payload : std::string(), timeout);
}

std::vector<std::string> Group::AllGatherObject(const std::string& payload,
                                                std::chrono::milliseconds timeout) {
  CheckMember();
  return client_->AllGatherObject(id_, payload, timeout);
}

std::string Group::ScatterObject(const std::vector<std::string>& payloads, uint32_t root,
                                 std::chrono::milliseconds timeout) {
  CheckMember();
  return client_->ScatterObject(id_, root, rank_ == root ? payloads : std::vector<std::string>{},
                                timeout);
}

void Group::SendObject(const std::string& payload, uint32_t dst,
                       std::chrono::milliseconds timeout) {
  CheckMember();
  client_->SendObject(id_, dst, payload, timeout);
}

std::string Group::RecvObject(uint32_t src, std::chrono::milliseconds timeout) {
  CheckMember();
  return client_->RecvObject(id_, src, timeout);
}

KvScope Group::Kv() {
  CheckMember();
  return KvScope(client_, id_);
}

namespace {

CollectiveCall Make(CollectiveKind kind, BufferView send, BufferView recv, uint64_t count,
                    DataType dtype) {
  CollectiveCall call;
  call.kind = kind;
  call.send = send;
  call.recv = recv;
  call.count = count;
  call.dtype = dtype;
  return call;
}

}  // namespace

void Group::AllReduce(BufferView send, BufferView recv, uint64_t count, DataType dtype,
                      ReduceOp op) {
  CollectiveCall call = Make(CollectiveKind::kAllReduce, send, recv, count, dtype);
  call.op = op;
  Run(call);
}

void Group::AllGather(BufferView send, BufferView recv, uint64_t count, DataType dtype) {
  Run(Make(CollectiveKind::kAllGather, send, recv, count, dtype));
}

void Group::AllGatherV(BufferView send, BufferView recv, std::vector<uint64_t> counts,
                       DataType dtype) {
  CollectiveCall call = Make(CollectiveKind::kAllGatherV, send, recv, 0, dtype);
  call.counts = std::move(counts);
  Run(call);
}

void Group::ReduceScatter(BufferView send, BufferView recv, uint64_t count,
                          DataType dtype, ReduceOp op) {
  CollectiveCall call = Make(CollectiveKind::kReduceScatter, send, recv, count, dtype);
  call.op = op;
  Run(call);
}

void Group::ReduceScatterV(BufferView send, BufferView recv, std::vector<uint64_t> counts,
                           DataType dtype, ReduceOp op) {
  CollectiveCall call = Make(CollectiveKind::kReduceScatterV, send, recv, 0, dtype);
  call.counts = std::move(counts);
  call.op = op;
  Run(call);
}

void Group::Reduce(BufferView send, BufferView recv, uint64_t count, DataType dtype,
                   ReduceOp op, uint32_t root) {
  CollectiveCall call = Make(CollectiveKind::kReduce, send, recv, count, dtype);
  call.op = op;
  call.root = root;
  Run(call);
}

void Group::Broadcast(BufferView send, BufferView recv, uint64_t count, DataType dtype,
                      uint32_t root) {
  CollectiveCall call = Make(CollectiveKind::kBroadcast, send, recv, count, dtype);
  call.root = root;
  Run(call);
}

void Group::Gather(BufferView send, BufferView recv, uint64_t count, DataType dtype,
                   uint32_t root) {
  CollectiveCall call = Make(CollectiveKind::kGather, send, recv, count, dtype);
  call.root = root;
  Run(call);
}

void Group::Scatter(BufferView send, BufferView recv, uint64_t count, DataType dtype,
                    uint32_t root) {
  CollectiveCall call = Make(CollectiveKind::kScatter, send, recv, count, dtype);
  call.root = root;
  Run(call);
}

void Group::AllToAll(BufferView send, BufferView recv, uint64_t count, DataType dtype) {
  Run(Make(CollectiveKind::kAllToAll, send, recv, count, dtype));
}

void Group::AllToAllV(BufferView send, BufferView recv, std::vector<uint64_t> send_counts,
                      std::vector<uint64_t> recv_counts, DataType dtype) {
  CollectiveCall call = Make(CollectiveKind::kAllToAllV, send, recv, 0, dtype);
  call.send_counts = std::move(send_counts);
  call.recv_counts = std::move(recv_counts);
  Run(call);
}

void Group::Send(BufferView send, uint64_t count, DataType dtype, uint32_t peer) {
  CollectiveCall call = Make(CollectiveKind::kSend, send, BufferView{}, count, dtype);
  call.peer = peer;
  Run(call);
}

void Group::Recv(BufferView recv, uint64_t count, DataType dtype, uint32_t peer) {
  CollectiveCall call = Make(CollectiveKind::kRecv, BufferView{}, recv, count, dtype);
  call.peer = peer;
  Run(call);
}

void Group::Barrier() { Run(CollectiveCall{}); }

}  // namespace ccs
