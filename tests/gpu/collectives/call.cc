#include "tests/gpu/collectives/call.h"

namespace ccs::gputest {

void IssueCall(Group& g, const Case& c, const Reference& ref, BufferView send,
               BufferView recv) {
  const uint64_t n = c.count;
  const DataType t = c.dtype;
  switch (c.kind) {
    case CollectiveKind::kAllReduce:
      return g.AllReduce(send, recv, n, t, c.op);
    case CollectiveKind::kAllGather:
      return g.AllGather(send, recv, n, t);
    case CollectiveKind::kAllGatherV:
      return g.AllGatherV(send, recv, ref.VCounts(), t);
    case CollectiveKind::kReduceScatter:
      return g.ReduceScatter(send, recv, n, t, c.op);
    case CollectiveKind::kReduceScatterV:
      return g.ReduceScatterV(send, recv, ref.VCounts(), t, c.op);
    case CollectiveKind::kReduce:
      return g.Reduce(send, recv, n, t, c.op, c.root);
    case CollectiveKind::kBroadcast:
      return g.Broadcast(send, recv, n, t, c.root);
    case CollectiveKind::kGather:
      return g.Gather(send, recv, n, t, c.root);
    case CollectiveKind::kScatter:
      return g.Scatter(send, recv, n, t, c.root);
    case CollectiveKind::kAllToAll:
      return g.AllToAll(send, recv, n, t);
    case CollectiveKind::kAllToAllV:
      return g.AllToAllV(send, recv, ref.A2aSendCounts(), ref.A2aRecvCounts(), t);
    case CollectiveKind::kSend: {
      const uint32_t r = g.rank(), w = g.size();
      const uint32_t next = (r + 1) % w, prev = (r + w - 1) % w;
      if (r % 2 == 0) {
        g.Send(send, n, t, next);
        g.Recv(recv, n, t, prev);
      } else {
        g.Recv(recv, n, t, prev);
        g.Send(send, n, t, next);
      }
      return;
    }
    case CollectiveKind::kRecv:
      return;
    case CollectiveKind::kBarrier:
      return g.Barrier();
  }
}

}  // namespace ccs::gputest
