// --baseline gloo: ccs-bench's sweep measured over raw Gloo, the reference
// for what a per-process collective library achieves on this machine. The
// ranks are plain processes (RunRanks) that form a Gloo context over the TCP
// transport on 127.0.0.1, meeting through a Gloo FileStore in a fresh
// temporary directory. Each runs the layouts of the ccs ranks
// (BenchLayouts) with the same warmup, iterations and timing (slowest rank's
// mean per op) and, with --check, verifies its results against the same
// data (fill_check.h).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "ccs/types.h"
#include "client/bench/options.h"
#include "client/bench/report.h"

namespace ccs::bench {

// Why the Gloo baseline does not run `kind` with this dtype and op, or ""
// when it does: all_reduce (sum, prod, min, max over int8, uint8, int32,
// int64, float16, float32, float64), all_gather and broadcast (any dtype).
std::string GlooUnsupported(CollectiveKind kind, DataType dtype, ReduceOp op);

// The collectives of options.collectives the baseline runs, in that order.
// Rank 0's result slots are these collectives' BenchLayouts, in order.
std::vector<CollectiveKind> GlooCollectives(const BenchOptions& options);

// The header's "# gloo baseline:" text: how it runs and what it skips.
std::string DescribeGlooBaseline(const BenchOptions& options);

struct GlooRun {
  // As RunRanks: kExitOk, kExitWrongResults or kExitRankFailed.
  int exit_code = 0;
  // Per collective of GlooCollectives, one row per BenchLayouts entry;
  // empty when exit_code is kExitRankFailed.
  std::map<CollectiveKind, std::vector<ResultRow>> rows;
};

// Makes the temporary directory and the result slots, forks options.ranks
// processes (RunRanks, deadline `deadline`) that run the baseline
// (gloo_rank.h), and returns rank 0's rows. The directory is removed before
// this returns, whatever happened; a rank's failure (a Gloo exception, with
// what it was doing) is printed on stderr. Must be called before this
// process creates any gRPC object; forks, so not thread-safe.
GlooRun RunGlooBaseline(const BenchOptions& options, std::chrono::seconds deadline);

}  // namespace ccs::bench
