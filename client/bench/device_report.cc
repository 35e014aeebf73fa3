#include "client/bench/device_report.h"

#include <cstdio>
#include <optional>

#include "client/bench/report.h"

namespace ccs::bench {
namespace {

std::string Printf(const char* format, auto... args) {
  char line[512];
  std::snprintf(line, sizeof(line), format, args...);
  return line;
}

std::optional<double> Find(const std::map<uint64_t, double>& m, uint64_t key) {
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

// "  <us>  <ratio>" or dashes.
std::string Pair(std::optional<double> base_us, double ccs_us) {
  if (!base_us) return Printf("  %10s  %10s", "-", "-");
  const std::string ratio = *base_us > 0 ? Printf("%.2f", ccs_us / *base_us) : "-";
  return Printf("  %10.2f  %10s", *base_us, ratio.c_str());
}

}  // namespace

std::string FormatDeviceHeader(const DeviceBaselines& b) {
  return "# memory: device (cudaMalloc on GPU 0, RegisterDeviceBuffer); time includes "
         "cudaStreamSynchronize(0) after the timed calls\n"
         "# device memcpy baseline: " +
         b.memcpy_note + "\n" + "# nccl baseline: " + b.nccl_note + "\n" +
         "# ccs/memcpy, ccs/nccl: ccs time / baseline time of the same size (below 1: "
         "ccs is faster)\n";
}

std::string FormatDeviceTableHeader(CollectiveKind kind) {
  std::string header = FormatTableHeader(kind);
  header.pop_back();  // the newline
  return header + Printf("  %10s  %10s  %10s  %10s\n", "memcpy(us)", "ccs/memcpy",
                         "nccl(us)", "ccs/nccl");
}

std::string FormatDeviceRow(CollectiveKind kind, const ResultRow& row,
                            const DeviceBaselines& b) {
  std::string line = FormatRow(row);
  line.pop_back();
  line += Pair(Find(b.memcpy_us, row.layout.size_bytes), row.time_us);
  const bool nccl = kind == CollectiveKind::kAllReduce;
  line += Pair(nccl ? Find(b.nccl_us, row.layout.count) : std::nullopt, row.time_us);
  return line + "\n";
}

}  // namespace ccs::bench
