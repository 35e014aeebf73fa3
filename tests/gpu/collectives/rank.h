// One client process of the GPU collectives test.
#pragma once

#include <cstdint>
#include <string>

namespace ccs::gputest {

struct RankArgs {
  std::string address;  // the daemon's "unix://..." address
  std::string group;
  uint32_t world = 1;
  uint32_t rank = 0;
  uint64_t seed = 1;
};

// Connects to the daemon, registers two device buffers on GPU 0 (send and
// recv, each sized for the largest case plus guards), joins the group and
// runs every case of BuildCases(world): poison both regions, place the
// input, call, wait for the device, download, compare everything (the view
// and the guards; the send region must be unchanged), and for all_reduce
// check that every rank got the same bits (an all_gather of a hash over
// the metadata plane). Prints to stdout, one line each:
//   FAIL <case> rank=R buffer=B at=<where> bad=<n> expected=<v> got=<v>
//   ERROR <case> rank=R code=<CODE> message=<text>
//   DONE rank=R cases=<n> failed=<n> not_run=<n> ms=<n>
// After three consecutive ERRORs the remaining cases are not run (the
// group is usually broken by then). Returns 0 when every case passed, 1
// otherwise, 77 when this process sees no CUDA device.
int RunRank(const RankArgs& args);

}  // namespace ccs::gputest
