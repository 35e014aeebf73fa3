#include "daemon/core/call.h"

#include <limits>
#include <numeric>
#include <sstream>

namespace ccs {
namespace {

constexpr uint64_t kMaxElements = std::numeric_limits<uint64_t>::max() / 16;

Status CheckVector(const std::vector<uint64_t>& v, const char* field, uint32_t world) {
  if (v.size() != world) {
    return InvalidArgument(std::string(field) + " has " + std::to_string(v.size()) +
                           " entries; it needs one per rank (" + std::to_string(world) + ")");
  }
  return Status::Ok();
}

StatusOr<uint64_t> Sum(const std::vector<uint64_t>& v, const char* field) {
  uint64_t total = 0;
  for (uint64_t x : v) {
    if (x > kMaxElements - total) return InvalidArgument(std::string(field) + " overflow");
    total += x;
  }
  return total;
}

uint64_t Prefix(const std::vector<uint64_t>& v, uint32_t upto) {
  return std::accumulate(v.begin(), v.begin() + upto, uint64_t{0});
}

std::string Join(const std::vector<uint64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

// Fills the layout of kinds whose sizes are `in` and `out` with in-place
// input at `in_off` and output at `out_off` of the recv buffer.
RankLayout Make(bool needs_in, uint64_t in, bool needs_out, uint64_t out, uint64_t in_off,
                uint64_t out_off) {
  RankLayout l;
  l.needs_in = needs_in;
  l.needs_out = needs_out;
  l.in_count = needs_in ? in : 0;
  l.out_count = needs_out ? out : 0;
  l.in_offset = in_off;
  l.out_offset = out_off;
  l.recv_extent = std::max(needs_in ? in_off + in : 0, needs_out ? out_off + out : 0);
  return l;
}

}  // namespace

StatusOr<RankLayout> ComputeLayout(const CollectiveCall& call, uint32_t rank,
                                   uint32_t world) {
  const uint64_t c = call.count;
  const uint32_t n = world;
  if (c > kMaxElements / std::max<uint32_t>(n, 1)) {
    return InvalidArgument("count " + std::to_string(c) + " is too large");
  }
  if (IsRooted(call.kind) && call.root >= n) {
    return InvalidArgument("root " + std::to_string(call.root) + " is not a rank of this " +
                           std::to_string(n) + "-rank group");
  }
  if (IsPointToPoint(call.kind) && (call.peer >= n || call.peer == rank)) {
    return InvalidArgument("peer " + std::to_string(call.peer) + " of rank " +
                           std::to_string(rank) + " is not another rank of this " +
                           std::to_string(n) + "-rank group");
  }
  const bool root = rank == call.root;
  switch (call.kind) {
    case CollectiveKind::kAllReduce: return Make(true, c, true, c, 0, 0);
    case CollectiveKind::kAllGather: return Make(true, c, true, n * c, rank * c, 0);
    case CollectiveKind::kAllGatherV: {
      RETURN_IF_ERROR(CheckVector(call.counts, "counts", n));
      ASSIGN_OR_RETURN(uint64_t total, Sum(call.counts, "counts"));
      return Make(true, call.counts[rank], true, total, Prefix(call.counts, rank), 0);
    }
    case CollectiveKind::kReduceScatter: return Make(true, n * c, true, c, 0, rank * c);
    case CollectiveKind::kReduceScatterV: {
      RETURN_IF_ERROR(CheckVector(call.counts, "counts", n));
      ASSIGN_OR_RETURN(uint64_t total, Sum(call.counts, "counts"));
      return Make(true, total, true, call.counts[rank], 0, Prefix(call.counts, rank));
    }
    case CollectiveKind::kReduce: return Make(true, c, root, c, 0, 0);
    case CollectiveKind::kBroadcast: return Make(root, c, true, c, 0, 0);
    case CollectiveKind::kGather:
      return Make(true, c, root, n * c, root ? rank * c : 0, 0);
    case CollectiveKind::kScatter: return Make(root, n * c, true, c, 0, root ? rank * c : 0);
    case CollectiveKind::kAllToAll: return Make(true, n * c, true, n * c, 0, 0);
    case CollectiveKind::kAllToAllV: {
      RETURN_IF_ERROR(CheckVector(call.send_counts, "send_counts", n));
      RETURN_IF_ERROR(CheckVector(call.recv_counts, "recv_counts", n));
      ASSIGN_OR_RETURN(uint64_t in, Sum(call.send_counts, "send_counts"));
      ASSIGN_OR_RETURN(uint64_t out, Sum(call.recv_counts, "recv_counts"));
      return Make(true, in, true, out, 0, 0);
    }
    case CollectiveKind::kSend:
      if (!call.send) return InvalidArgument("send needs a send buffer");
      return Make(true, c, false, 0, 0, 0);
    case CollectiveKind::kRecv: return Make(false, 0, true, c, 0, 0);
    case CollectiveKind::kBarrier: return RankLayout{};
  }
  return InvalidArgument("unknown collective kind");
}

std::string DescribeCall(const CollectiveCall& call) {
  std::ostringstream os;
  os << CollectiveName(call.kind) << "(";
  if (call.kind != CollectiveKind::kBarrier) {
    if (call.kind == CollectiveKind::kAllToAllV) {
      os << "send_counts=" << Join(call.send_counts)
         << ", recv_counts=" << Join(call.recv_counts);
    } else if (IsVariable(call.kind)) {
      os << "counts=" << Join(call.counts);
    } else {
      os << "count=" << call.count;
    }
    os << ", dtype=" << DataTypeName(call.dtype);
    if (IsReduction(call.kind)) os << ", op=" << ReduceOpName(call.op);
    if (IsRooted(call.kind)) os << ", root=" << call.root;
    if (IsPointToPoint(call.kind)) os << ", peer=" << call.peer;
  }
  os << ")";
  return os.str();
}

std::string MismatchBetween(const CollectiveCall& a, uint32_t ra, const CollectiveCall& b,
                            uint32_t rb) {
  bool same = a.kind == b.kind;
  if (same && a.kind != CollectiveKind::kBarrier) {
    same = a.dtype == b.dtype;
    if (IsReduction(a.kind)) same = same && a.op == b.op;
    if (IsRooted(a.kind)) same = same && a.root == b.root;
    if (a.kind == CollectiveKind::kAllGatherV || a.kind == CollectiveKind::kReduceScatterV) {
      same = same && a.counts == b.counts;
    } else if (a.kind != CollectiveKind::kAllToAllV) {
      same = same && a.count == b.count;
    }
  }
  if (same) return {};
  return "rank " + std::to_string(ra) + " called " + DescribeCall(a) + " but rank " +
         std::to_string(rb) + " called " + DescribeCall(b);
}

}  // namespace ccs
