#include "daemon/engine/cuda/nccl_launch.h"

#include <thread>
#include <vector>

#include "daemon/engine/cuda/nccl_types.h"

namespace ccs::cuda {
namespace {

using Kind = NcclCall::Kind;

struct Mapped {
  ncclDataType_t dtype = ncclFloat32;
  ncclRedOp_t op = ncclSum;
};

bool Reduces(Kind k) {
  return k == Kind::kAllReduce || k == Kind::kReduceScatter || k == Kind::kReduce;
}

const char* NcclName(Kind k) {
  switch (k) {
    case Kind::kAllReduce:
      return "ncclAllReduce";
    case Kind::kAllGather:
      return "ncclAllGather";
    case Kind::kReduceScatter:
      return "ncclReduceScatter";
    case Kind::kReduce:
      return "ncclReduce";
    case Kind::kBroadcast:
      return "ncclBroadcast";
    case Kind::kSend:
      return "ncclSend";
    case Kind::kRecv:
      return "ncclRecv";
  }
  return "unknown NCCL call";
}

ncclResult_t Issue(const NcclApi& api, const NcclCall& c, Mapped m, ncclComm_t comm,
                   cudaStream_t s) {
  const auto root = static_cast<int>(c.root);
  const auto peer = static_cast<int>(c.peer);
  switch (c.kind) {
    case Kind::kAllReduce:
      return api.AllReduce(c.send, c.recv, c.count, m.dtype, m.op, comm, s);
    case Kind::kAllGather:
      return api.AllGather(c.send, c.recv, c.count, m.dtype, comm, s);
    case Kind::kReduceScatter:
      return api.ReduceScatter(c.send, c.recv, c.count, m.dtype, m.op, comm, s);
    case Kind::kReduce:
      return api.Reduce(c.send, c.recv, c.count, m.dtype, m.op, root, comm, s);
    case Kind::kBroadcast:
      return api.Broadcast(c.send, c.recv, c.count, m.dtype, root, comm, s);
    case Kind::kSend:
      return api.Send(c.send, c.count, m.dtype, peer, comm, s);
    case Kind::kRecv:
      return api.Recv(c.recv, c.count, m.dtype, peer, comm, s);
  }
  return ncclInvalidArgument;
}

// After ncclGroupEnd answered ncclInProgress: one poll per Use, so that an
// Abort can come in between.
Status WaitEnqueued(const NcclLibrary& nccl, const NcclComm& comm, const std::string& what,
                    std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    bool enqueued = false;
    RETURN_IF_ERROR(comm.Use([&](ncclComm_t c) {
      ncclResult_t state = ncclSuccess;
      ncclResult_t r = nccl.api().CommGetAsyncError(c, &state);
      if (r != ncclSuccess) state = r;
      if (state == ncclSuccess) {
        enqueued = true;
        return Status::Ok();
      }
      if (state != ncclInProgress) return nccl.ToStatus(state, "ncclGroupEnd of " + what);
      return Status::Ok();
    }));
    if (enqueued) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return DeadlineExceeded("ncclGroupEnd of " + what +
                              " still in progress at its deadline (the group's other "
                              "ranks did not issue theirs?)");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

}  // namespace

Status EnqueueNcclCalls(const NcclLibrary& nccl, const NcclComm& comm, cudaStream_t stream,
                        std::span<const NcclCall> calls, const std::string& what,
                        std::chrono::steady_clock::time_point enqueue_deadline) {
  std::vector<Mapped> mapped(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    ASSIGN_OR_RETURN(mapped[i].dtype,
                     ToNcclDataType(calls[i].dtype, nccl.version_code()));
    if (Reduces(calls[i].kind)) {
      ASSIGN_OR_RETURN(mapped[i].op, ToNcclRedOp(calls[i].op, nccl.version_code()));
    }
  }
  bool in_progress = false;
  RETURN_IF_ERROR(comm.Use([&](ncclComm_t c) {
    RETURN_IF_ERROR(nccl.ToStatus(nccl.api().GroupStart(), "ncclGroupStart of " + what));
    Status failed;
    for (size_t i = 0; i < calls.size() && failed.ok(); ++i) {
      const ncclResult_t r = Issue(nccl.api(), calls[i], mapped[i], c, stream);
      if (r != ncclSuccess && r != ncclInProgress) {
        failed = nccl.ToStatus(r, std::string(NcclName(calls[i].kind)) + " of " + what);
      }
    }
    // Always closed, so the thread's NCCL group state stays balanced.
    const ncclResult_t end = nccl.api().GroupEnd();
    if (!failed.ok()) return failed;
    in_progress = end == ncclInProgress;
    return in_progress ? Status::Ok() : nccl.ToStatus(end, "ncclGroupEnd of " + what);
  }));
  if (in_progress) return WaitEnqueued(nccl, comm, what, enqueue_deadline);
  return Status::Ok();
}

}  // namespace ccs::cuda
