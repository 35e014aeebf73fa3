#include "client/bench/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ccs/version.h"
#include "client/bench/daemon_spread.h"
#include "client/bench/device_report.h"
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

// The ranks line and one "# ccsd" line per daemon.
std::string FormatDaemons(const BenchOptions& o,
                          const std::vector<std::string>& daemons) {
  if (daemons.empty()) {
    return Printf("# ranks: %u processes, baselines only (--baseline-only): no daemon\n",
                  o.ranks);
  }
  const size_t n = o.addresses.size();
  std::string out = Printf("# ranks: %u processes, daemons: %zu (%u ranks each)", o.ranks,
                           n, RanksPerDaemon(n, o.ranks));
  if (n == 1) {
    return out + Printf(", address: %s, group: %s\n# ccsd: %s\n", o.addresses[0].c_str(),
                        o.group.c_str(), daemons[0].c_str());
  }
  out += Printf(", group: %s\n", o.group.c_str());
  for (size_t d = 0; d < n && d < daemons.size(); ++d) {
    out +=
        Printf("# ccsd %zu (%s, %s): %s\n", d, DescribeDaemonBlock(n, o.ranks, d).c_str(),
               o.addresses[d].c_str(), daemons[d].c_str());
  }
  return out;
}

}  // namespace

std::string FormatHeader(const BenchOptions& options,
                         const std::vector<std::string>& daemons,
                         const Baselines& baselines) {
  std::string out;
  out += "# ccs-bench " + std::string(SdkVersion()) + " (" + std::string(SdkGitCommit()) +
         "): " + CollectiveList(options) + "\n";
  out += FormatDaemons(options, daemons);
  out += Printf(
      "# dtype: %s, op: %s, root: %u, sizes: %s..%s x%llu, warmup: %d, "
      "iters: %d, check: %s\n",
      std::string(DataTypeName(options.dtype)).c_str(),
      std::string(ReduceOpName(options.op)).c_str(), options.root,
      FormatSize(options.min_bytes).c_str(), FormatSize(options.max_bytes).c_str(),
      static_cast<unsigned long long>(options.step_factor), options.warmup_iters,
      options.iters, options.check ? "on" : "off");
  if (const auto& m = baselines.memcpy) {
    out += Printf("# memcpy baseline (%s): 1 thread %.2f GB/s, %u threads %.2f GB/s\n",
                  FormatSize(m->bytes).c_str(), m->single_thread_gbps, m->threads,
                  m->all_cores_gbps);
  }
  if (!baselines.gloo_note.empty())
    out += "# gloo baseline: " + baselines.gloo_note + "\n";
  if (baselines.device) out += FormatDeviceHeader(*baselines.device);
  out +=
      "# time: slowest rank's mean per-op time; algbw = size / time; "
      "busbw = algbw * nccl-tests' factor\n";
  if (!baselines.gloo_note.empty() && !daemons.empty()) {
    out += "# ccs/gloo: ccs time / gloo time of the same size (below 1: ccs is faster)\n";
  }
  return out;
}

std::string FormatTableHeader(CollectiveKind kind, bool compare) {
  std::string columns =
      Printf("# %10s  %12s  %8s  %6s  %10s  %11s  %11s  %6s", "size(B)", "count", "type",
             "redop", "time(us)", "algbw(GB/s)", "busbw(GB/s)", "#wrong");
  if (compare) columns += Printf("  %4s  %8s", "impl", "ccs/gloo");
  return "#\n# " + std::string(CollectiveName(kind)) + "\n" + columns + "\n";
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

std::string FormatRow(const ResultRow& row, std::string_view impl,
                      std::optional<double> ratio) {
  const std::string wrong = row.wrong ? std::to_string(*row.wrong) : "N/A";
  std::string line = Printf("  %10llu  %12llu  %8s  %6s  %10.2f  %11.2f  %11.2f  %6s",
                            static_cast<unsigned long long>(row.layout.size_bytes),
                            static_cast<unsigned long long>(row.layout.count),
                            std::string(DataTypeName(row.dtype)).c_str(),
                            row.op ? std::string(ReduceOpName(*row.op)).c_str() : "none",
                            row.time_us, row.algbw_gbps, row.busbw_gbps, wrong.c_str());
  if (!impl.empty()) {
    const std::string r = ratio ? Printf("%.2f", *ratio) : "-";
    line += Printf("  %4s  %8s", std::string(impl).c_str(), r.c_str());
  }
  return line + "\n";
}

std::string FormatFooter(CollectiveKind kind, const std::vector<ResultRow>& rows,
                         std::string_view impl) {
  uint64_t wrong = 0;
  double busbw_sum = 0;
  for (const ResultRow& row : rows) {
    wrong += row.wrong.value_or(0);
    busbw_sum += row.busbw_gbps;
  }
  const std::string name = std::string(CollectiveName(kind)) +
                           (impl.empty() ? "" : " (" + std::string(impl) + ")");
  return Printf("# %s: out of bounds values: %llu %s, avg bus bandwidth: %.3f GB/s\n",
                name.c_str(), static_cast<unsigned long long>(wrong),
                wrong == 0 ? "OK" : "FAILED",
                rows.empty() ? 0.0 : busbw_sum / static_cast<double>(rows.size()));
}

std::string FormatRatioSummary(CollectiveKind kind, const std::vector<ResultRow>& ccs,
                               const std::vector<ResultRow>& gloo) {
  double log_sum = 0;
  size_t n = 0;
  const ResultRow *min = nullptr, *max = nullptr;
  double min_ratio = 0, max_ratio = 0;
  for (size_t i = 0; i < std::min(ccs.size(), gloo.size()); ++i) {
    if (ccs[i].layout.size_bytes != gloo[i].layout.size_bytes) continue;
    if (ccs[i].time_us <= 0 || gloo[i].time_us <= 0) continue;
    const double ratio = ccs[i].time_us / gloo[i].time_us;
    log_sum += std::log(ratio);
    ++n;
    if (min == nullptr || ratio < min_ratio) min = &ccs[i], min_ratio = ratio;
    if (max == nullptr || ratio > max_ratio) max = &ccs[i], max_ratio = ratio;
  }
  if (n == 0) return "";
  return Printf(
      "# %s: ccs/gloo time: geomean %.2f over %zu sizes, min %.2f (%llu B), "
      "max %.2f (%llu B)\n",
      std::string(CollectiveName(kind)).c_str(), std::exp(log_sum / n), n, min_ratio,
      static_cast<unsigned long long>(min->layout.size_bytes), max_ratio,
      static_cast<unsigned long long>(max->layout.size_bytes));
}

std::string FormatBaselineReport(const BenchOptions& options,
                                 const Baselines& baselines) {
  std::string out = FormatHeader(options, {}, baselines);
  for (CollectiveKind kind : options.collectives) {
    auto it = baselines.gloo.find(kind);
    if (it == baselines.gloo.end()) continue;
    out += FormatTableHeader(kind, true);
    for (const ResultRow& row : it->second) out += FormatRow(row, "gloo");
    out += FormatFooter(kind, it->second, "gloo");
  }
  return out;
}

}  // namespace ccs::bench
