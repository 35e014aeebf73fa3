#include "tests/unit/engine/cuda/collective_reference.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>

#include "daemon/engine/host/fp8.h"
#include "daemon/engine/host/half.h"
#include "daemon/engine/host/reduce_kernels.h"

namespace ccs::cuda::testing {
namespace {

using Bytes = std::vector<std::byte>;

uint64_t Prefix(const std::vector<uint64_t>& v, uint32_t upto) {
  return std::accumulate(v.begin(), v.begin() + upto, uint64_t{0});
}
uint64_t Sum(const std::vector<uint64_t>& v) { return Prefix(v, uint32_t(v.size())); }

// Column r of the all_to_all_v matrix: what rank r receives from each s.
std::vector<uint64_t> Column(const CollectiveCase& c, uint32_t r) {
  std::vector<uint64_t> col;
  for (const auto& row : c.matrix) col.push_back(row[r]);
  return col;
}

// One rank's layout in elements, as daemon/core/call.cc computes it.
struct Layout {
  uint64_t in = 0, out = 0, in_off = 0, out_off = 0;
  bool needs_in = false, needs_out = false;
  uint64_t Extent() const {
    return std::max(needs_in ? in_off + in : 0, needs_out ? out_off + out : 0);
  }
};

Layout Make(bool needs_in, uint64_t in, bool needs_out, uint64_t out, uint64_t in_off,
            uint64_t out_off) {
  return {needs_in ? in : 0, needs_out ? out : 0, in_off, out_off, needs_in, needs_out};
}

Layout LayoutOf(const CollectiveCase& k, uint32_t r) {
  const uint64_t c = k.count, n = k.world;
  const bool root = r == k.root;
  switch (k.kind) {
    case CollectiveKind::kAllReduce:
      return Make(true, c, true, c, 0, 0);
    case CollectiveKind::kAllGather:
      return Make(true, c, true, n * c, r * c, 0);
    case CollectiveKind::kAllGatherV:
      return Make(true, k.counts[r], true, Sum(k.counts), Prefix(k.counts, r), 0);
    case CollectiveKind::kReduceScatter:
      return Make(true, n * c, true, c, 0, r * c);
    case CollectiveKind::kReduceScatterV:
      return Make(true, Sum(k.counts), true, k.counts[r], 0, Prefix(k.counts, r));
    case CollectiveKind::kReduce:
      return Make(true, c, root, c, 0, 0);
    case CollectiveKind::kBroadcast:
      return Make(root, c, true, c, 0, 0);
    case CollectiveKind::kGather:
      return Make(true, c, root, n * c, root ? r * c : 0, 0);
    case CollectiveKind::kScatter:
      return Make(root, n * c, true, c, 0, root ? r * c : 0);
    case CollectiveKind::kAllToAll:
      return Make(true, n * c, true, n * c, 0, 0);
    case CollectiveKind::kAllToAllV:
      return Make(true, Sum(k.matrix[r]), true, Sum(Column(k, r)), 0, 0);
    case CollectiveKind::kSend:
      return Make(root, c, r == k.peer, c, 0, 0);
    case CollectiveKind::kRecv:
    case CollectiveKind::kBarrier:
      break;
  }
  return {};
}

void Fill(DataType t, std::byte* p, uint64_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> small(-8, 8), byte(0, 255);
  for (uint64_t i = 0; i < n; ++i) {
    const float f = static_cast<float>(small(rng));
    switch (t) {
      case DataType::kFloat32:
        std::memcpy(p + 4 * i, &f, 4);
        break;
      case DataType::kFloat64: {
        const double d = f;
        std::memcpy(p + 8 * i, &d, 8);
        break;
      }
      case DataType::kFloat16: {
        const uint16_t h = FloatToFloat16(f);
        std::memcpy(p + 2 * i, &h, 2);
        break;
      }
      case DataType::kBfloat16: {
        const uint16_t h = FloatToBfloat16(f);
        std::memcpy(p + 2 * i, &h, 2);
        break;
      }
      case DataType::kFloat8E4m3:
        p[i] = static_cast<std::byte>(FloatToFloat8E4m3(f));
        break;
      case DataType::kFloat8E5m2:
        p[i] = static_cast<std::byte>(FloatToFloat8E5m2(f));
        break;
      default:  // integers: any bits (sums wrap)
        for (size_t b = 0; b < DataTypeSize(t); ++b) {
          p[DataTypeSize(t) * i + b] = static_cast<std::byte>(byte(rng));
        }
    }
  }
}

// out = op over ranks 0..N-1 of srcs[s] + offset, `count` elements.
void Reduce(const CollectiveCase& k, const std::vector<Bytes>& srcs, uint64_t offset,
            uint64_t count, std::byte* out) {
  const host::ReduceKernel& kernel = *host::FindReduceKernel(k.dtype, k.op);
  struct alignas(64) Line {
    std::byte b[64];
  };
  std::vector<Line> acc((count * kernel.acc_size + 63) / 64 + 1);
  const size_t es = DataTypeSize(k.dtype);
  kernel.load(acc.data(), srcs[0].data() + offset * es, count);
  for (size_t s = 1; s < srcs.size(); ++s) {
    kernel.accumulate(acc.data(), srcs[s].data() + offset * es, count);
  }
  kernel.store(acc.data(), count, k.world, out);
}

}  // namespace

std::string CollectiveCase::Describe() const {
  std::string s = std::string(CollectiveName(kind)) + " world=" + std::to_string(world) +
                  " dtype=" + std::string(DataTypeName(dtype)) +
                  " op=" + std::string(ReduceOpName(op)) +
                  " count=" + std::to_string(count) + " root=" + std::to_string(root) +
                  " peer=" + std::to_string(peer) + (in_place ? " in-place" : "") +
                  " counts=[";
  for (uint64_t x : counts) s += std::to_string(x) + ",";
  s += "] matrix=[";
  for (const auto& row : matrix) {
    for (uint64_t x : row) s += std::to_string(x) + ",";
    s += ";";
  }
  return s + "]";
}

GroupMemory MakeMemory(const CollectiveCase& c, uint32_t seed) {
  std::mt19937 rng(seed);
  const size_t es = DataTypeSize(c.dtype);
  GroupMemory m;
  m.ranks.resize(c.world);
  for (uint32_t r = 0; r < c.world; ++r) {
    const Layout l = LayoutOf(c, r);
    auto& rank = m.ranks[r];
    rank.recv.resize((c.in_place ? l.Extent() : l.out) * es);
    if (!c.in_place && l.needs_in) rank.send.resize(l.in * es);
    Fill(c.dtype, rank.recv.data(), rank.recv.size() / es, rng);
    Fill(c.dtype, rank.send.data(), rank.send.size() / es, rng);
  }
  return m;
}

std::vector<RankIo> MakeIo(const CollectiveCase& c, GroupMemory& memory) {
  const size_t es = DataTypeSize(c.dtype);
  std::vector<RankIo> io(c.world);
  for (uint32_t r = 0; r < c.world; ++r) {
    const Layout l = LayoutOf(c, r);
    auto& rank = memory.ranks[r];
    io[r].gpu = 0;
    io[r].in_count = l.in;
    io[r].out_count = l.out;
    const bool in_place = c.in_place && l.needs_in;
    if (in_place || l.needs_out)
      io[r].out = rank.recv.data() + (in_place ? l.out_off * es : 0);
    if (in_place) io[r].in = rank.recv.data() + l.in_off * es;
    if (!in_place && l.needs_in) io[r].in = rank.send.data();
    if (c.kind == CollectiveKind::kAllToAllV) {
      io[r].send_counts = c.matrix[r];
      io[r].recv_counts = Column(c, r);
    }
  }
  return io;
}

void RunReference(const CollectiveCase& k, const std::vector<RankIo>& io) {
  const size_t es = DataTypeSize(k.dtype);
  const uint32_t n = k.world;
  const uint64_t c = k.count;
  std::vector<Bytes> in(n);
  for (uint32_t s = 0; s < n; ++s) in[s].assign(io[s].in, io[s].in + io[s].in_count * es);
  auto copy = [&](uint32_t r, uint64_t out_off, uint32_t s, uint64_t in_off,
                  uint64_t count) {
    if (count == 0) return;
    std::memcpy(io[r].out + out_off * es, in[s].data() + in_off * es, count * es);
  };
  for (uint32_t r = 0; r < n; ++r) {
    switch (k.kind) {
      case CollectiveKind::kAllReduce:
        Reduce(k, in, 0, c, io[r].out);
        break;
      case CollectiveKind::kAllGather:
        for (uint32_t s = 0; s < n; ++s) copy(r, s * c, s, 0, c);
        break;
      case CollectiveKind::kAllGatherV:
        for (uint32_t s = 0; s < n; ++s) copy(r, Prefix(k.counts, s), s, 0, k.counts[s]);
        break;
      case CollectiveKind::kReduceScatter:
        Reduce(k, in, r * c, c, io[r].out);
        break;
      case CollectiveKind::kReduceScatterV:
        Reduce(k, in, Prefix(k.counts, r), k.counts[r], io[r].out);
        break;
      case CollectiveKind::kReduce:
        if (r == k.root) Reduce(k, in, 0, c, io[r].out);
        break;
      case CollectiveKind::kBroadcast:
        copy(r, 0, k.root, 0, c);
        break;
      case CollectiveKind::kGather:
        if (r == k.root) {
          for (uint32_t s = 0; s < n; ++s) copy(r, s * c, s, 0, c);
        }
        break;
      case CollectiveKind::kScatter:
        copy(r, 0, k.root, r * c, c);
        break;
      case CollectiveKind::kAllToAll:
        for (uint32_t s = 0; s < n; ++s) copy(r, s * c, s, r * c, c);
        break;
      case CollectiveKind::kAllToAllV:
        for (uint32_t s = 0; s < n; ++s) {
          copy(r, Prefix(Column(k, r), s), s, Prefix(k.matrix[s], r), k.matrix[s][r]);
        }
        break;
      case CollectiveKind::kSend:
        if (r == k.peer) copy(r, 0, k.root, 0, c);
        break;
      case CollectiveKind::kRecv:
      case CollectiveKind::kBarrier:
        break;
    }
  }
}

}  // namespace ccs::cuda::testing
