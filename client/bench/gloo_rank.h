// One rank process of the Gloo baseline (gloo_baseline.h). gloo_rank.cc is
// the only ccs-bench file that includes Gloo headers.
#pragma once

#include <cstdint>
#include <string>

#include "client/bench/options.h"

namespace ccs::bench {

// What rank 0 reports for one size: the slowest rank's mean per-op time and
// the wrong elements of all ranks (0 without --check).
struct GlooSlot {
  double time_us = 0;
  double wrong = 0;
};

// Joins a Gloo context of options.ranks ranks as `rank` (TCP transport on
// 127.0.0.1, rendezvous through a Gloo FileStore in `store_dir`), then runs
// every layout of GlooCollectives(options): fill (with --check), warmup, a
// barrier, the timed iterations, the check call, and the max/sum over ranks.
// Rank 0 writes slot i for the i-th layout in that order; `slots` must hold
// them all (other ranks write nothing). Blocks; every Gloo wait ends after
// options.deadline. Returns kExitOk, kExitWrongResults, or kExitRankFailed
// after printing the Gloo error and what it was doing on stderr; no Gloo
// exception escapes.
int RunGlooRank(const BenchOptions& options, uint32_t rank, const std::string& store_dir,
                GlooSlot* slots);

}  // namespace ccs::bench
