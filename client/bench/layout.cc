#include "client/bench/layout.h"

#include <algorithm>

namespace ccs::bench {

const std::vector<CollectiveKind>& BenchCollectives() {
  static const std::vector<CollectiveKind> kAll = {
      CollectiveKind::kAllReduce,     CollectiveKind::kAllGather,
      CollectiveKind::kReduceScatter, CollectiveKind::kBroadcast,
      CollectiveKind::kReduce,        CollectiveKind::kAllToAll,
      CollectiveKind::kGather,        CollectiveKind::kScatter};
  return kAll;
}

bool IsBenchCollective(CollectiveKind kind) {
  const auto& all = BenchCollectives();
  return std::find(all.begin(), all.end(), kind) != all.end();
}

bool IsReduction(CollectiveKind kind) {
  return kind == CollectiveKind::kAllReduce || kind == CollectiveKind::kReduceScatter ||
         kind == CollectiveKind::kReduce;
}

Layout LayoutFor(CollectiveKind kind, uint64_t size_bytes, size_t elem_bytes,
                 uint32_t ranks) {
  const uint64_t n = ranks;
  Layout l;
  switch (kind) {
    case CollectiveKind::kAllReduce:
    case CollectiveKind::kBroadcast:
    case CollectiveKind::kReduce:
      l.count = std::max<uint64_t>(1, size_bytes / elem_bytes);
      l.send_elems = l.recv_elems = l.count;
      l.size_bytes = l.count * elem_bytes;
      return l;
    default:
      break;
  }
  // Every other benchmarked collective has an n-block side.
  l.count = std::max<uint64_t>(1, size_bytes / (elem_bytes * n));
  l.size_bytes = l.count * n * elem_bytes;
  switch (kind) {
    case CollectiveKind::kAllGather:
    case CollectiveKind::kGather:
      l.send_elems = l.count;
      l.recv_elems = l.count * n;
      break;
    case CollectiveKind::kReduceScatter:
    case CollectiveKind::kScatter:
      l.send_elems = l.count * n;
      l.recv_elems = l.count;
      break;
    default:  // all_to_all
      l.send_elems = l.recv_elems = l.count * n;
      break;
  }
  return l;
}

double BusBandwidthFactor(CollectiveKind kind, uint32_t ranks) {
  const double n = ranks;
  switch (kind) {
    case CollectiveKind::kAllReduce:
      return 2 * (n - 1) / n;
    case CollectiveKind::kBroadcast:
    case CollectiveKind::kReduce:
      return 1;
    default:
      return (n - 1) / n;
  }
}

std::vector<uint64_t> SweepSizes(uint64_t min_bytes, uint64_t max_bytes,
                                 uint64_t factor) {
  std::vector<uint64_t> sizes;
  if (min_bytes >= max_bytes || factor < 2) return {std::max(min_bytes, max_bytes)};
  for (uint64_t size = std::max<uint64_t>(min_bytes, 1); size <= max_bytes;) {
    sizes.push_back(size);
    if (size > max_bytes / factor) break;
    size *= factor;
  }
  return sizes;
}

std::vector<Layout> SweepLayouts(CollectiveKind kind, const std::vector<uint64_t>& sizes,
                                 size_t elem_bytes, uint32_t ranks) {
  std::vector<Layout> layouts;
  for (uint64_t size : sizes) {
    Layout l = LayoutFor(kind, size, elem_bytes, ranks);
    if (layouts.empty() || l.size_bytes > layouts.back().size_bytes) layouts.push_back(l);
  }
  return layouts;
}

std::vector<Layout> BenchLayouts(const BenchOptions& options, CollectiveKind kind) {
  return SweepLayouts(
      kind, SweepSizes(options.min_bytes, options.max_bytes, options.step_factor),
      DataTypeSize(options.dtype), options.ranks);
}

std::pair<uint64_t, uint64_t> BenchBufferBytes(const BenchOptions& options) {
  uint64_t send = 1, recv = 1;
  const size_t elem = DataTypeSize(options.dtype);
  for (CollectiveKind kind : options.collectives) {
    for (const Layout& l : BenchLayouts(options, kind)) {
      send = std::max(send, l.send_elems * elem);
      recv = std::max(recv, l.recv_elems * elem);
    }
  }
  return {send, recv};
}

}  // namespace ccs::bench
