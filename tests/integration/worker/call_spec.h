// One collective described on the command line of `ccs-test-rank call`:
// --kind all_reduce --dtype float32 --op sum --count 16 [--root R] [--peer P]
// [--counts a,b] [--send-counts ..] [--recv-counts ..] [--timeout-ms T]
// [--inplace] [--send-offset B] [--recv-offset B] [--buf-bytes B]
// [--send-in-recv] (the send view lies in the recv buffer, at --send-offset)
// Offsets and counts are passed through unchecked, so they can describe
// ranges the daemon must reject.
#pragma once

#include <cstdint>
#include <vector>

#include "ccs/ccs.h"
#include "worker/args.h"

namespace ccs::it {

struct CallSpec {
  CollectiveKind kind = CollectiveKind::kAllReduce;
  DataType dtype = DataType::kFloat32;
  ReduceOp op = ReduceOp::kSum;
  uint64_t count = 16;
  std::vector<uint64_t> counts, send_counts, recv_counts;
  uint32_t root = 0;
  uint32_t peer = 0;
  uint64_t timeout_ms = 0;
  bool in_place = false;
  bool send_in_recv = false;
  uint64_t send_offset = 0;
  uint64_t recv_offset = 0;
  uint64_t buf_bytes = 65536;  // size of each of the two buffers
};

// Throws UsageError for unknown names.
CallSpec ParseCallSpec(const Args& args);
CollectiveCall ToCall(const CallSpec& spec, const HostBuffer& send,
                      const HostBuffer& recv);

}  // namespace ccs::it
