#include "client/bench/report.h"

#include <cstdio>

#include "ccs/version.h"
#include "client/bench/size_parse.h"

namespace ccs::bench {
namespace {

std::string Printf(const char* format, auto... args) {
  char line[512];
  std::snprintf(line, sizeof(line), format, args...);
  return line;
}

std::string CollectiveList(const BenchOptions& options) {
  std::string out;
  for (CollectiveKind kind : options.collectives) {
    out += (out.empty() ? "" : ",") + std::string(CollectiveName(kind));
  }
  return out;
}

}  // namespace

std::string FormatHeader(const BenchOptions& options, const std::string& daemon,
                         const std::optional<MemcpyBandwidth>& baseline) {
  std::string out;
  out += "# ccs-bench " + std::string(SdkVersion()) + " (" + std::string(SdkGitCommit()) +
         "): " + CollectiveList(options) + "\n";
  out += Printf("# ranks: %u processes, address: %s, group: %s\n", options.ranks,
                options.address.c_str(), options.group.c_str());
  out += "# ccsd: " + daemon + "\n";
  out += Printf(
      "# dtype: %s, op: %s, root: %u, sizes: %s..%s x%llu, warmup: %d, "
      "iters: %d, check: %s\n",
      std::string(DataTypeName(options.dtype)).c_str(),
      std::string(ReduceOpName(options.op)).c_str(), options.root,
      FormatSize(options.min_bytes).c_str(), FormatSize(options.max_bytes).c_str(),
      static_cast<unsigned long long>(options.step_factor), options.warmup_iters,
      options.iters, options.check ? "on" : "off");
  if (baseline) {
    out += Printf("# memcpy baseline (%s): 1 thread %.2f GB/s, %u threads %.2f GB/s\n",
                  FormatSize(baseline->bytes).c_str(), baseline->single_thread_gbps,
                  baseline->threads, baseline->all_cores_gbps);
  }
  out +=
      "# time: slowest rank's mean per-op time; algbw = size / time; "
      "busbw = algbw * nccl-tests' factor\n";
  return out;
}

std::string FormatTableHeader(CollectiveKind kind) {
  return "#\n# " + std::string(CollectiveName(kind)) + "\n" +
         Printf("# %10s  %12s  %8s  %6s  %10s  %11s  %11s  %6s\n", "size(B)", "count",
                "type", "redop", "time(us)", "algbw(GB/s)", "busbw(GB/s)", "#wrong");
}

ResultRow MakeRow(CollectiveKind kind, const Layout& layout, DataType dtype,
                  std::optional<ReduceOp> op, uint32_t ranks, double time_us,
                  std::optional<uint64_t> wrong) {
  ResultRow row;
  row.layout = layout;
  row.dtype = dtype;
  row.op = op;
  row.time_us = time_us;
  row.algbw_gbps =
      time_us > 0 ? static_cast<double>(layout.size_bytes) / time_us / 1e3 : 0;
  row.busbw_gbps = row.algbw_gbps * BusBandwidthFactor(kind, ranks);
  row.wrong = wrong;
  return row;
}

std::string FormatRow(const ResultRow& row) {
  const std::string wrong = row.wrong ? std::to_string(*row.wrong) : "N/A";
  return Printf("  %10llu  %12llu  %8s  %6s  %10.2f  %11.2f  %11.2f  %6s\n",
                static_cast<unsigned long long>(row.layout.size_bytes),
                static_cast<unsigned long long>(row.layout.count),
                std::string(DataTypeName(row.dtype)).c_str(),
                row.op ? std::string(ReduceOpName(*row.op)).c_str() : "none", row.time_us,
                row.algbw_gbps, row.busbw_gbps, wrong.c_str());
}

}  // namespace ccs::bench
