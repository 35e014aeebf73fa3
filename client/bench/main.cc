// ccs-bench: nccl-tests-style bandwidth tables for ccsd's collectives.
// Wiring only. Exit codes: 0 ok, 1 usage error, 2 a rank failed or timed
// out, 3 --check found wrong results (client/bench/launcher.h).
//
// The ranks are separate processes forked before this process creates any
// gRPC object (gRPC does not survive fork); each connects its own Client.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "ccs/client.h"
#include "ccs/types.h"
#include "client/bench/launcher.h"
#include "client/bench/layout.h"
#include "client/bench/memcpy_baseline.h"
#include "client/bench/options.h"
#include "client/bench/rank_main.h"
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
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions o;
  o.address = ccs::DefaultAddress();
  std::string collective = "all_reduce", dtype = "float32", op = "sum", baseline;
  int64_t deadline_s = o.deadline.count();

  CLI::App app{"ccs-bench: nccl-tests-style benchmark of ccsd collectives", "ccs-bench"};
  app.footer(
      "Collectives: all_reduce all_gather reduce_scatter broadcast reduce all_to_all\n"
      "gather scatter, or all. size(B) is nccl-tests' size: bytes of the largest\n"
      "per-rank buffer. Exit codes: 0 ok, 1 usage error, 2 a rank failed or timed\n"
      "out, 3 --check found wrong results.");
  app.add_option("--addr", o.address, "Daemon address")->capture_default_str();
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
  app.add_option("--baseline", baseline,
                 "memcpy: also measure this machine's memcpy bandwidth at the max size")
      ->check(CLI::IsMember({"memcpy"}));
  app.add_option("--group", o.group, "Group name (default ccs-bench-<pid>)");
  app.add_option("--timeout", deadline_s, "Seconds for the whole run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? ccs::bench::kExitOk : ccs::bench::kExitUsage;
  }
  if (std::string error = ResolveNames(o, collective, dtype, op); !error.empty()) {
    std::fprintf(stderr, "ccs-bench: %s\n", error.c_str());
    return ccs::bench::kExitUsage;
  }
  o.memcpy_baseline = baseline == "memcpy";
  o.deadline = std::chrono::seconds(deadline_s);
  if (o.group.empty()) o.group = "ccs-bench-" + std::to_string(getpid());

  std::optional<ccs::bench::MemcpyBandwidth> memcpy_bw;
  if (o.memcpy_baseline) memcpy_bw = ccs::bench::MeasureMemcpy(o.max_bytes);
  // No gRPC object exists yet: safe to fork.
  return ccs::bench::RunRanks(
      o.ranks, [&](uint32_t rank) { return ccs::bench::RunRank(o, rank, memcpy_bw); },
      o.deadline);
}
