// The parent process of the GPU collectives test: a real ccsd and N rank
// processes (this binary in worker mode), all on GPU 0.
#pragma once

#include <cstdint>
#include <string>

namespace ccs::gputest {

struct DriverArgs {
  uint32_t ranks = 2;
  uint64_t seed = 1;
  std::string self;     // this binary, exec'd as the workers
  std::string ccsd;     // "" : $CCSD, else ccsd next to this binary
  std::string log_dir;  // "" : logs stay in the temp dir (removed at exit)
  uint32_t timeout_s = 400;
};

// Exits 77 (after printing "SKIPPED: <why>") without a CUDA device. Else
// starts ccsd (--socket in a fresh temp dir, --op-timeout-ms 60000), waits
// until its socket accepts, starts the ranks, waits for all of them (each
// killed at the deadline), stops ccsd (SIGTERM, then SIGKILL) and prints a
// summary: each rank's result line, failures counted by op and dtype, the
// first failure lines (op, dtype, count, rank, first bad index, expected
// vs got), and the tail of ccsd's log when anything failed. Every child
// dies with this process (PR_SET_PDEATHSIG) and the temp dir is removed,
// also on failure. Returns 0 when every rank passed every case, else 1.
int RunDriver(const DriverArgs& args);

}  // namespace ccs::gputest
