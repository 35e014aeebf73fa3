#include "daemon/cluster/cross_node_ops.h"

#include <algorithm>
#include <cstring>
#include <future>
#include <type_traits>

#include "daemon/engine/host/reduce_kernels.h"

namespace ccs::cluster {
namespace {

using std::chrono::milliseconds;

constexpr uint64_t kHeaderMagic = 0x3172646873636363;  // "ccchsdr1"
// How much longer than the op's own deadline a node waits for the others'
// headers: the node that owns a missing rank fails the op at its deadline
// and tells the others, which is the better error.
constexpr milliseconds kHeaderMargin{2000};

// What every node must agree on before op `seq` moves data.
struct WireHeader {
  uint64_t magic = kHeaderMagic;
  uint64_t seq = 0;
  uint64_t count = 0;
  uint64_t counts_hash = 0;
  uint32_t kind = 0;
  uint32_t dtype = 0;
  uint32_t op = 0;
  uint32_t root = 0;
  uint32_t first_rank = 0;  // lowest rank of the sending node
  char what[220] = {};      // DescribeCall, for the error message
};
static_assert(std::is_trivially_copyable_v<WireHeader>);

uint64_t HashCounts(const std::vector<uint64_t>& v) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the values' bytes
  for (uint64_t x : v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (x >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  }
  return h ^ v.size();
}

// The same rule as MismatchBetween, on headers.
bool SameOp(const WireHeader& a, const WireHeader& b) {
  if (a.magic != b.magic || a.seq != b.seq || a.kind != b.kind) return false;
  const auto kind = static_cast<CollectiveKind>(a.kind);
  if (kind == CollectiveKind::kBarrier) return true;
  if (a.dtype != b.dtype) return false;
  if (IsReduction(kind) && a.op != b.op) return false;
  if (IsRooted(kind) && a.root != b.root) return false;
  if (kind == CollectiveKind::kAllGatherV || kind == CollectiveKind::kReduceScatterV) {
    return a.counts_hash == b.counts_hash;
  }
  return kind == CollectiveKind::kAllToAllV || a.count == b.count;
}

std::vector<uint64_t> Prefix(const std::vector<uint64_t>& counts) {
  std::vector<uint64_t> offs(counts.size() + 1, 0);
  for (size_t i = 0; i < counts.size(); ++i) offs[i + 1] = offs[i] + counts[i];
  return offs;
}

// Runs node(i), net(i), after(i) for chunks 0..n-1 so that node(i+1) and
// after(i-1) overlap net(i); net steps run one at a time, in order.
template <typename Node, typename Net, typename After>
Status Pipelined(size_t n, Node&& node, Net&& net, After&& after) {
  if (n == 0) return Status::Ok();
  if (n == 1) {
    RETURN_IF_ERROR(node(0));
    RETURN_IF_ERROR(net(0));
    return after(0);
  }
  RETURN_IF_ERROR(node(0));
  std::future<Status> pending = std::async(std::launch::async, net, size_t{0});
  for (size_t i = 1; i < n; ++i) {
    Status a = node(i);
    Status b = pending.get();
    if (!b.ok()) return b;
    if (!a.ok()) return a;
    pending = std::async(std::launch::async, net, i);
    Status c = after(i - 1);
    if (!c.ok()) {
      (void)pending.get();
      return c;
    }
  }
  RETURN_IF_ERROR(pending.get());
  return after(n - 1);
}

}  // namespace

CrossNode::CrossNode(const Topology& topology, gloo_engine::NodeComm& comm, Engine& local,
                     std::string group_name, size_t chunk_bytes)
    : topo_(topology),
      comm_(comm),
      local_(local),
      group_(std::move(group_name)),
      chunk_bytes_(std::max<size_t>(chunk_bytes, 64)) {}

int CrossNode::LocalIndex(uint32_t rank) const {
  const auto& l = topo_.local();
  auto it = std::find(l.begin(), l.end(), rank);
  return it == l.end() ? -1 : static_cast<int>(it - l.begin());
}

std::byte* CrossNode::Scratch(std::vector<std::byte>& s, size_t bytes) {
  if (s.size() < bytes) s.resize(bytes);
  return s.data();
}

std::vector<uint64_t> CrossNode::BlockCounts(const CollectiveCall& call) const {
  if (call.kind == CollectiveKind::kAllGatherV || call.kind == CollectiveKind::kReduceScatterV) {
    return call.counts;
  }
  return std::vector<uint64_t>(topo_.ranks.size(), call.count);
}

Status CrossNode::Run(uint64_t seq, const CollectiveCall& call, const OpPlan& plan,
                      std::chrono::steady_clock::time_point deadline,
                      milliseconds data_timeout) {
  timeout_ = std::max(data_timeout, milliseconds(1));
  const auto left = std::chrono::duration_cast<milliseconds>(
      deadline - std::chrono::steady_clock::now());
  RETURN_IF_ERROR(ExchangeHeaders(seq, call, std::max(left, milliseconds(0)) + kHeaderMargin));
  switch (call.kind) {
    case CollectiveKind::kAllReduce:
    case CollectiveKind::kReduce:
      return AllReduceOrReduce(call, plan);
    case CollectiveKind::kBroadcast:
      return Broadcast(call, plan);
    case CollectiveKind::kAllGather:
    case CollectiveKind::kAllGatherV:
    case CollectiveKind::kGather:
      return AllGatherOrGather(call, plan);
    case CollectiveKind::kReduceScatter:
    case CollectiveKind::kReduceScatterV:
      return ReduceScatter(call, plan);
    case CollectiveKind::kScatter:
      return Scatter(call, plan);
    case CollectiveKind::kAllToAllV:
      RETURN_IF_ERROR(CheckAllToAllVCounts(plan));
      return AllToAll(call, plan);
    case CollectiveKind::kAllToAll:
      return AllToAll(call, plan);
    case CollectiveKind::kBarrier:
      return Status::Ok();  // the header exchange was the barrier
    default:
      return InvalidArgument(std::string(CollectiveName(call.kind)) +
                             " is not a collective of the whole group");
  }
}

Status CrossNode::ExchangeHeaders(uint64_t seq, const CollectiveCall& call,
                                  milliseconds timeout) {
  WireHeader mine;
  mine.seq = seq;
  mine.count = call.count;
  mine.counts_hash = HashCounts(call.counts);
  mine.kind = static_cast<uint32_t>(call.kind);
  mine.dtype = static_cast<uint32_t>(call.dtype);
  mine.op = static_cast<uint32_t>(call.op);
  mine.root = call.root;
  mine.first_rank = topo_.local().front();
  const std::string what = DescribeCall(call);
  std::memcpy(mine.what, what.data(), std::min(what.size(), sizeof(mine.what) - 1));
  const size_t m = topo_.nodes.size();
  std::vector<WireHeader> all(m);
  RETURN_IF_ERROR(comm_.AllGatherV(&mine, sizeof(mine), all.data(),
                                   std::vector<size_t>(m, sizeof(WireHeader)), timeout));
  for (size_t k = 1; k < m; ++k) {
    if (SameOp(all[0], all[k])) continue;
    auto describe = [&](const WireHeader& h, size_t node) {
      return "rank " + std::to_string(h.first_rank) + " (node " + topo_.nodes[node] +
             ") called " + std::string(h.what, strnlen(h.what, sizeof(h.what))) +
             (h.seq != seq ? " at its sequence " + std::to_string(h.seq) : "");
    };
    return InvalidArgument("collective mismatch at sequence " + std::to_string(seq) +
                           " of group '" + group_ + "': " + describe(all[0], 0) + " but " +
                           describe(all[k], k) +
                           "; every rank must make the same calls in the same order");
  }
  return Status::Ok();
}

Status CrossNode::CheckAllToAllVCounts(const OpPlan& plan) {
  const size_t n = topo_.ranks.size();
  const auto& local = topo_.local();
  // Each local rank contributes its send counts, then its recv counts.
  std::vector<uint64_t> mine;
  for (size_t i = 0; i < local.size(); ++i) {
    const RankIo& io = plan.ranks[i];
    if (io.send_counts.size() != n || io.recv_counts.size() != n) {
      return InvalidArgument("all_to_all_v: rank " + std::to_string(local[i]) +
                             " needs one send and one recv count per rank");
    }
    mine.insert(mine.end(), io.send_counts.begin(), io.send_counts.end());
    mine.insert(mine.end(), io.recv_counts.begin(), io.recv_counts.end());
  }
  std::vector<size_t> bytes(topo_.nodes.size());
  for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = topo_.node_ranks[k].size() * 2 * n * 8;
  std::vector<uint64_t> all(n * 2 * n);
  RETURN_IF_ERROR(comm_.AllGatherV(mine.data(), mine.size() * 8, all.data(), bytes, timeout_));
  // Rows arrive node by node; map them back to ranks.
  std::vector<const uint64_t*> send(n), recv(n);
  size_t row = 0;
  for (const auto& block : topo_.node_ranks) {
    for (uint32_t r : block) {
      send[r] = &all[row * 2 * n];
      recv[r] = &all[row * 2 * n + n];
      ++row;
    }
  }
  for (size_t s = 0; s < n; ++s) {
    for (size_t r = 0; r < n; ++r) {
      if (send[s][r] == recv[r][s]) continue;
      return InvalidArgument("all_to_all_v mismatch: rank " + std::to_string(s) + " (node " +
                             topo_.nodes[topo_.node_of[s]] + ") sends " +
                             std::to_string(send[s][r]) + " elements to rank " +
                             std::to_string(r) + ", but rank " + std::to_string(r) +
                             " (node " + topo_.nodes[topo_.node_of[r]] + ") expects " +
                             std::to_string(recv[r][s]) + " from rank " + std::to_string(s));
    }
  }
  return Status::Ok();
}

Status CrossNode::AllReduceOrReduce(const CollectiveCall& call, const OpPlan& plan) {
  const bool all = call.kind == CollectiveKind::kAllReduce;
  const size_t esz = DataTypeSize(call.dtype);
  const uint64_t c = call.count;
  if (c == 0) return Status::Ok();
  const ReduceOp net_op = call.op == ReduceOp::kAvg ? ReduceOp::kSum : call.op;
  const int root_local = all ? 0 : LocalIndex(call.root);
  const uint32_t root_node = all ? 0 : topo_.node_of[call.root];
  const bool keeps_result = all || topo_.self == root_node;
  // Where this node's partial, then the result, lives.
  std::byte* stage = root_local >= 0 ? plan.ranks[root_local].out : Scratch(scratch_a_, c * esz);
  const uint64_t chunk = std::max<uint64_t>(1, chunk_bytes_ / esz);
  const size_t chunks = static_cast<size_t>((c + chunk - 1) / chunk);
  const auto world = static_cast<uint32_t>(topo_.ranks.size());
  auto off = [&](size_t i) { return i * chunk; };
  auto len = [&](size_t i) { return std::min(chunk, c - off(i)); };

  auto node = [&](size_t i) {
    OpPlan p;
    p.kind = CollectiveKind::kReduce;
    p.dtype = call.dtype;
    p.op = net_op;
    p.count = len(i);
    for (const RankIo& io : plan.ranks) {
      RankIo r;
      r.in = io.in + off(i) * esz;
      r.in_count = len(i);
      p.ranks.push_back(r);
    }
    p.ranks[0].out = stage + off(i) * esz;
    p.ranks[0].out_count = len(i);
    return local_.Execute(p);
  };
  auto net = [&](size_t i) {
    std::byte* at = stage + off(i) * esz;
    return all ? comm_.AllReduce(at, len(i), call.dtype, net_op, timeout_)
               : comm_.Reduce(at, len(i), call.dtype, net_op, static_cast<int>(root_node),
                              timeout_);
  };
  auto after = [&](size_t i) {
    if (!keeps_result) return Status::Ok();
    std::byte* at = stage + off(i) * esz;
    if (call.op == ReduceOp::kAvg) host::DivideInPlace(call.dtype, at, len(i), world);
    if (!all || plan.ranks.size() == 1) return Status::Ok();
    OpPlan p;
    p.kind = CollectiveKind::kBroadcast;
    p.dtype = call.dtype;
    p.count = len(i);
    for (const RankIo& io : plan.ranks) {
      RankIo r;
      r.out = io.out + off(i) * esz;
      r.out_count = len(i);
      p.ranks.push_back(r);
    }
    p.ranks[0].in = at;
    p.ranks[0].in_count = len(i);
    return local_.Execute(p);
  };
  return Pipelined(chunks, node, net, after);
}

Status CrossNode::Broadcast(const CollectiveCall& call, const OpPlan& plan) {
  const size_t esz = DataTypeSize(call.dtype);
  const uint64_t c = call.count;
  if (c == 0) return Status::Ok();
  const uint32_t root_node = topo_.node_of[call.root];
  const int root_local = LocalIndex(call.root);
  // The root's input on its node; elsewhere the first local rank's output.
  std::byte* source = root_local >= 0 ? const_cast<std::byte*>(plan.ranks[root_local].in)
                                      : plan.ranks[0].out;
  const uint32_t local_root = root_local >= 0 ? static_cast<uint32_t>(root_local) : 0;
  const uint64_t chunk = std::max<uint64_t>(1, chunk_bytes_ / esz);
  const size_t chunks = static_cast<size_t>((c + chunk - 1) / chunk);
  auto off = [&](size_t i) { return i * chunk; };
  auto len = [&](size_t i) { return std::min(chunk, c - off(i)); };
  auto node = [](size_t) { return Status::Ok(); };
  auto net = [&](size_t i) {
    return comm_.Broadcast(source + off(i) * esz, len(i) * esz, static_cast<int>(root_node),
                           timeout_);
  };
  auto after = [&](size_t i) {
    OpPlan p;
    p.kind = CollectiveKind::kBroadcast;
    p.dtype = call.dtype;
    p.count = len(i);
    p.root = local_root;
    for (const RankIo& io : plan.ranks) {
      RankIo r;
      r.out = io.out + off(i) * esz;
      r.out_count = len(i);
      p.ranks.push_back(r);
    }
    p.ranks[local_root].in = source + off(i) * esz;
    p.ranks[local_root].in_count = len(i);
    if (root_local < 0 && plan.ranks.size() == 1) return Status::Ok();
    return local_.Execute(p);
  };
  return Pipelined(chunks, node, net, after);
}

Status CrossNode::AllGatherOrGather(const CollectiveCall& call, const OpPlan& plan) {
  const bool all = call.kind != CollectiveKind::kGather;
  const size_t esz = DataTypeSize(call.dtype);
  const std::vector<uint64_t> cnt = BlockCounts(call);
  const std::vector<uint64_t> offs = Prefix(cnt);
  const uint64_t total = offs.back();
  if (total == 0) return Status::Ok();
  const auto& local = topo_.local();
  std::vector<size_t> node_bytes(topo_.nodes.size(), 0);
  for (size_t k = 0; k < node_bytes.size(); ++k) {
    for (uint32_t r : topo_.node_ranks[k]) node_bytes[k] += cnt[r] * esz;
  }
  const int root_local = all ? 0 : LocalIndex(call.root);
  const bool keeps_result = root_local >= 0;
  // The result in rank order: the first local rank's (or the root's) output.
  std::byte* result = keeps_result ? plan.ranks[root_local].out : nullptr;

  if (topo_.contiguous) {
    // Node-major order is rank order: gather straight into the result.
    std::byte* dst = result ? result : Scratch(scratch_b_, total * esz);
    for (size_t i = 0; i < local.size(); ++i) {
      std::byte* at = dst + offs[local[i]] * esz;
      if (plan.ranks[i].in != at) std::memmove(at, plan.ranks[i].in, cnt[local[i]] * esz);
    }
    RETURN_IF_ERROR(comm_.AllGatherV(dst + offs[local[0]] * esz, node_bytes[topo_.self], dst,
                                     node_bytes, timeout_));
  } else {
    std::byte* packed = Scratch(scratch_a_, node_bytes[topo_.self]);
    size_t at = 0;
    for (size_t i = 0; i < local.size(); ++i) {
      std::memcpy(packed + at, plan.ranks[i].in, cnt[local[i]] * esz);
      at += cnt[local[i]] * esz;
    }
    std::byte* gathered = Scratch(scratch_b_, total * esz);
    RETURN_IF_ERROR(
        comm_.AllGatherV(packed, node_bytes[topo_.self], gathered, node_bytes, timeout_));
    if (result) {
      size_t from = 0;
      for (const auto& block : topo_.node_ranks) {
        for (uint32_t r : block) {
          std::memcpy(result + offs[r] * esz, gathered + from, cnt[r] * esz);
          from += cnt[r] * esz;
        }
      }
    }
  }
  if (!all || local.size() == 1) return Status::Ok();
  OpPlan p;
  p.kind = CollectiveKind::kBroadcast;
  p.dtype = call.dtype;
  p.count = total;
  for (const RankIo& io : plan.ranks) {
    RankIo r;
    r.out = io.out;
    r.out_count = total;
    p.ranks.push_back(r);
  }
  p.ranks[0].in = result;
  p.ranks[0].in_count = total;
  return local_.Execute(p);
}

Status CrossNode::ReduceScatter(const CollectiveCall& call, const OpPlan& plan) {
  const size_t esz = DataTypeSize(call.dtype);
  const std::vector<uint64_t> cnt = BlockCounts(call);
  const std::vector<uint64_t> offs = Prefix(cnt);
  const uint64_t total = offs.back();
  if (total == 0) return Status::Ok();
  const ReduceOp net_op = call.op == ReduceOp::kAvg ? ReduceOp::kSum : call.op;
  std::byte* stage = Scratch(scratch_a_, total * esz);
  OpPlan p;
  p.kind = CollectiveKind::kReduce;
  p.dtype = call.dtype;
  p.op = net_op;
  p.count = total;
  for (const RankIo& io : plan.ranks) {
    RankIo r;
    r.in = io.in;
    r.in_count = total;
    p.ranks.push_back(r);
  }
  p.ranks[0].out = stage;
  p.ranks[0].out_count = total;
  RETURN_IF_ERROR(local_.Execute(p));
  RETURN_IF_ERROR(comm_.AllReduce(stage, total, call.dtype, net_op, timeout_));
  const auto& local = topo_.local();
  for (size_t i = 0; i < local.size(); ++i) {
    std::byte* block = stage + offs[local[i]] * esz;
    if (call.op == ReduceOp::kAvg) {
      host::DivideInPlace(call.dtype, block, cnt[local[i]], static_cast<uint32_t>(cnt.size()));
    }
    std::memcpy(plan.ranks[i].out, block, cnt[local[i]] * esz);
  }
  return Status::Ok();
}

Status CrossNode::Scatter(const CollectiveCall& call, const OpPlan& plan) {
  const size_t esz = DataTypeSize(call.dtype);
  const uint64_t block = call.count * esz;
  if (block == 0) return Status::Ok();
  const uint32_t root_node = topo_.node_of[call.root];
  const size_t m = topo_.nodes.size();
  const auto& local = topo_.local();
  std::vector<size_t> send(m, 0), recv(m, 0);
  if (topo_.self == root_node) {
    const std::byte* src = plan.ranks[LocalIndex(call.root)].in;
    size_t remote = 0;
    for (size_t k = 0; k < m; ++k) {
      if (k != root_node) remote += topo_.node_ranks[k].size() * block;
    }
    std::byte* packed = Scratch(scratch_a_, remote);
    size_t at = 0;
    for (size_t k = 0; k < m; ++k) {
      if (k == root_node) continue;
      for (uint32_t r : topo_.node_ranks[k]) {
        std::memcpy(packed + at, src + r * block, block);
        at += block;
      }
      send[k] = topo_.node_ranks[k].size() * block;
    }
    RETURN_IF_ERROR(comm_.AllToAllV(packed, send, nullptr, recv, timeout_));
    for (size_t i = 0; i < local.size(); ++i) {
      const std::byte* from = src + local[i] * block;
      if (plan.ranks[i].out != from) std::memcpy(plan.ranks[i].out, from, block);
    }
    return Status::Ok();
  }
  recv[root_node] = local.size() * block;
  std::byte* got = Scratch(scratch_b_, recv[root_node]);
  RETURN_IF_ERROR(comm_.AllToAllV(nullptr, send, got, recv, timeout_));
  for (size_t i = 0; i < local.size(); ++i) {
    std::memcpy(plan.ranks[i].out, got + i * block, block);
  }
  return Status::Ok();
}

Status CrossNode::AllToAll(const CollectiveCall& call, const OpPlan& plan) {
  const bool variable = call.kind == CollectiveKind::kAllToAllV;
  const size_t esz = DataTypeSize(call.dtype);
  const size_t n = topo_.ranks.size();
  const size_t m = topo_.nodes.size();
  const auto& local = topo_.local();
  const std::vector<uint64_t> fixed(n, call.count);
  auto sends = [&](size_t i) -> const std::vector<uint64_t>& {
    return variable ? plan.ranks[i].send_counts : fixed;
  };
  auto recvs = [&](size_t i) -> const std::vector<uint64_t>& {
    return variable ? plan.ranks[i].recv_counts : fixed;
  };
  std::vector<std::vector<uint64_t>> send_offs, recv_offs;
  for (size_t i = 0; i < local.size(); ++i) {
    send_offs.push_back(Prefix(sends(i)));
    recv_offs.push_back(Prefix(recvs(i)));
  }
  // Section for node k: for each local sender s, its blocks for k's ranks.
  std::vector<size_t> send_bytes(m, 0), recv_bytes(m, 0);
  for (size_t k = 0; k < m; ++k) {
    for (size_t i = 0; i < local.size(); ++i) {
      for (uint32_t r : topo_.node_ranks[k]) {
        send_bytes[k] += sends(i)[r] * esz;
      }
    }
    for (uint32_t s : topo_.node_ranks[k]) {
      for (size_t i = 0; i < local.size(); ++i) recv_bytes[k] += recvs(i)[s] * esz;
    }
  }
  size_t send_total = 0, recv_total = 0;
  for (size_t k = 0; k < m; ++k) {
    send_total += send_bytes[k];
    recv_total += recv_bytes[k];
  }
  // Every input is read here, before any output is written: in place is safe.
  std::byte* packed = Scratch(scratch_a_, send_total);
  size_t at = 0;
  for (size_t k = 0; k < m; ++k) {
    for (size_t i = 0; i < local.size(); ++i) {
      for (uint32_t r : topo_.node_ranks[k]) {
        const size_t len = sends(i)[r] * esz;
        std::memcpy(packed + at, plan.ranks[i].in + send_offs[i][r] * esz, len);
        at += len;
      }
    }
  }
  std::byte* got = Scratch(scratch_b_, recv_total);
  RETURN_IF_ERROR(comm_.AllToAllV(packed, send_bytes, got, recv_bytes, timeout_));
  size_t from = 0;
  for (size_t k = 0; k < m; ++k) {
    for (uint32_t s : topo_.node_ranks[k]) {
      for (size_t i = 0; i < local.size(); ++i) {
        const size_t len = recvs(i)[s] * esz;
        std::memcpy(plan.ranks[i].out + recv_offs[i][s] * esz, got + from, len);
        from += len;
      }
    }
  }
  return Status::Ok();
}

}  // namespace ccs::cluster
