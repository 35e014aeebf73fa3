// ccs-bench: nccl-tests-style bandwidth tables for ccsd's collectives.
// Wiring only. Exit codes: 0 ok, 1 usage error, 2 a rank failed or timed
// out, 3 --check found wrong results (client/bench/launcher.h).
//
// The ranks are separate processes forked before this process creates any
// gRPC object (gRPC does not survive fork); each connects its own Client.
// The Gloo baseline's ranks are forked (and gone) before the ccs ranks.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "ccs/client.h"
#include "ccs/types.h"
#include "client/bench/daemon_spread.h"
#include "client/bench/device_baseline.h"
#include "client/bench/device_memory.h"
#include "client/bench/gloo_baseline.h"
#include "client/bench/launcher.h"
#include "client/bench/layout.h"
#include "client/bench/memcpy_baseline.h"
#include "client/bench/options.h"
#include "client/bench/rank_main.h"
#include "client/bench/report.h"
#include "client/bench/size_parse.h"

namespace {

using ccs::bench::BenchOptions;

// A CLI11 option value that is a byte size with an optional K/M/G suffix.
CLI::Validator SizeTransform() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto bytes = ccs::bench::ParseSize(text);
        if (!bytes) return "not a size: " + text + " (use e.g. 8, 64K, 64M, 1G)";
        text = std::to_string(*bytes);
        return "";
      },
      "SIZE");
}

// Fills the enum fields from their names; returns an error text or "".
std::string ResolveNames(BenchOptions& o, const std::string& collective,
                         const std::string& dtype, const std::string& op) {
  if (collective == "all") {
    o.collectives = ccs::bench::BenchCollectives();
  } else if (auto kind = ccs::ParseCollective(collective);
             kind && ccs::bench::IsBenchCollective(*kind)) {
    o.collectives = {*kind};
  } else {
    return "unknown collective " + collective;
  }
  auto t = ccs::ParseDataType(dtype);
  if (!t) return "unknown dtype " + dtype;
  o.dtype = *t;
  auto r = ccs::ParseReduceOp(op);
  if (!r) return "unknown op " + op;
  o.op = *r;
  if (o.min_bytes > o.max_bytes) return "--min-bytes is larger than --max-bytes";
  if (o.root >= o.ranks) return "--root must be below --ranks";
  if (std::string e = ccs::bench::CheckDaemonSpread(o.addresses, o.ranks); !e.empty()) {
    return "--addr: " + e;
  }
  return "";
}

// Sets the memory kind; returns an error text or "".
std::string ResolveMemory(BenchOptions& o, const std::string& memory,
                          const std::vector<std::string>& baselines) {
  if (memory == "host") return "";
  if (!ccs::bench::DeviceModeBuilt()) {
    return "--memory device: this ccs-bench was built without CUDA (configure with "
           "CCS_WITH_CUDA=AUTO or ON on a machine with the CUDA toolkit)";
  }
  if (!baselines.empty() || o.baseline_only) {
    return "--memory device runs its own baselines (device memcpy, single-rank NCCL); "
           "--baseline and --baseline-only are for --memory host";
  }
  o.memory = ccs::bench::MemoryKind::kDevice;
  return "";
}

// Sets the baseline flags; returns an error text or "".
std::string ResolveBaselines(BenchOptions& o, const std::vector<std::string>& baselines) {
  auto has = [&](const char* name) {
    return std::find(baselines.begin(), baselines.end(), name) != baselines.end();
  };
  o.memcpy_baseline = has("memcpy");
  o.gloo_baseline = has("gloo");
  if (o.baseline_only && baselines.empty()) return "--baseline-only needs --baseline";
  if (o.gloo_baseline && ccs::bench::GlooCollectives(o).empty()) {
    return "--baseline gloo: nothing to run: " +
           ccs::bench::GlooUnsupported(o.collectives.front(), o.dtype, o.op);
  }
  return "";
}

// What is left of `deadline` since `start`, at least one second.
std::chrono::seconds Remaining(std::chrono::seconds deadline,
                               std::chrono::steady_clock::time_point start) {
  const auto used = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - start);
  return std::max(deadline - used, std::chrono::seconds(1));
}

// Runs the baselines, then (unless --baseline-only) the ccs ranks, which
// print the tables. Returns the exit code.
int Run(const BenchOptions& o) {
  using namespace ccs::bench;
  const auto start = std::chrono::steady_clock::now();
  Baselines baselines;
  // Device mode: measured in a child of its own (this process must not
  // initialise CUDA before forking the ranks).
  if (o.memory == MemoryKind::kDevice) baselines.device = MeasureDeviceBaselines(o);
  if (o.memcpy_baseline) baselines.memcpy = MeasureMemcpy(o.max_bytes);
  int baseline_code = kExitOk;
  if (o.gloo_baseline) {
    GlooRun gloo = RunGlooBaseline(o, o.deadline);
    if (gloo.exit_code == kExitRankFailed) return kExitRankFailed;
    baseline_code = gloo.exit_code;
    baselines.gloo = std::move(gloo.rows);
    baselines.gloo_note = DescribeGlooBaseline(o);
  }
  if (o.baseline_only) {
    std::fputs(FormatBaselineReport(o, baselines).c_str(), stdout);
    return baseline_code;
  }
  // No gRPC object exists yet: safe to fork.
  const int code = RunRanks(
      o.ranks, [&](uint32_t rank) { return RunRank(o, rank, baselines); },
      Remaining(o.deadline, start));
  return code == kExitOk ? baseline_code : code;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions o;
  std::vector<std::string> baselines;
  std::string collective = "all_reduce", dtype = "float32", op = "sum", memory = "host";
  int64_t deadline_s = o.deadline.count();

  CLI::App app{"ccs-bench: nccl-tests-style benchmark of ccsd collectives", "ccs-bench"};
  app.footer(
      "Collectives: all_reduce all_gather reduce_scatter broadcast reduce all_to_all\n"
      "gather scatter, or all. size(B) is nccl-tests' size: bytes of the largest\n"
      "per-rank buffer. Exit codes: 0 ok, 1 usage error, 2 a rank failed or timed\n"
      "out, 3 --check found wrong results.");
  app.add_option("--addr", o.addresses,
                 "Daemon address; several (comma-separated or repeated) spread the\n"
                 "ranks in equal contiguous blocks, ranks 0..k-1 on the first")
      ->delimiter(',')
      ->default_str(ccs::DefaultAddress());
  app.add_option("-n,--ranks", o.ranks, "Rank processes")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  app.add_option("-c,--collective", collective, "Collective, or all")
      ->capture_default_str();
  app.add_option("-b,--min-bytes", o.min_bytes, "Smallest size (K/M/G suffixes)")
      ->transform(SizeTransform())
      ->default_str("8");
  app.add_option("-e,--max-bytes", o.max_bytes, "Largest size (K/M/G suffixes)")
      ->transform(SizeTransform())
      ->default_str("64M");
  app.add_option("-f,--step-factor", o.step_factor, "Size multiplier between rows")
      ->check(CLI::Range(uint64_t{2}, uint64_t{1} << 20))
      ->capture_default_str();
  app.add_option("-d,--dtype", dtype, "Element type")->capture_default_str();
  app.add_option("-o,--op", op, "Reduce op: sum prod min max avg")->capture_default_str();
  app.add_option("-r,--root", o.root, "Root rank of rooted collectives")
      ->capture_default_str();
  app.add_option("-w,--warmup", o.warmup_iters, "Warmup iterations per size")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--iters", o.iters, "Timed iterations per size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--check", o.check, "Verify every size's result (#wrong)");
  app.add_option("--baseline", baselines,
                 "memcpy: this machine's memcpy bandwidth at the max size; gloo: the\n"
                 "same sweep over raw Gloo (TCP, 127.0.0.1) beside the ccs rows.\n"
                 "Comma-separated or repeated")
      ->delimiter(',')
      ->check(CLI::IsMember({"memcpy", "gloo"}));
  app.add_flag("--baseline-only", o.baseline_only,
               "Run only the baselines: no ccs ranks, no daemon needed");
  app.add_option("--memory", memory,
                 "host: shared-memory buffers; device: cudaMalloc on GPU 0 registered\n"
                 "by IPC handle, with device memcpy and single-rank NCCL baselines\n"
                 "(CUDA builds only)")
      ->check(CLI::IsMember({"host", "device"}))
      ->capture_default_str();
  app.add_option("--nccl-library", o.nccl_library,
                 "--memory device: the NCCL library the single-rank baseline dlopens")
      ->capture_default_str();
  app.add_option("--group", o.group, "Group name (default ccs-bench-<pid>)");
  app.add_option("--timeout", deadline_s, "Seconds for the whole run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? ccs::bench::kExitOk : ccs::bench::kExitUsage;
  }
  if (o.addresses.empty()) o.addresses = {ccs::DefaultAddress()};
  std::string error = ResolveNames(o, collective, dtype, op);
  if (error.empty()) error = ResolveMemory(o, memory, baselines);
  if (error.empty()) error = ResolveBaselines(o, baselines);
  if (!error.empty()) {
    std::fprintf(stderr, "ccs-bench: %s\n", error.c_str());
    return ccs::bench::kExitUsage;
  }
  o.deadline = std::chrono::seconds(deadline_s);
  if (o.group.empty()) o.group = "ccs-bench-" + std::to_string(getpid());
  return Run(o);
}
