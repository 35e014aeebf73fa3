// ccs-bench's output, in the shape of nccl-tests' tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ccs/types.h"
#include "client/bench/layout.h"
#include "client/bench/memcpy_baseline.h"
#include "client/bench/options.h"

namespace ccs::bench {

// "# ..." lines: what runs, against which daemon, and the memcpy baseline.
std::string FormatHeader(const BenchOptions& options, const std::string& daemon,
                         const std::optional<MemcpyBandwidth>& baseline);
// The column header of one collective's table.
std::string FormatTableHeader(CollectiveKind kind);

struct ResultRow {
  Layout layout;
  DataType dtype = DataType::kFloat32;
  std::optional<ReduceOp> op;  // none for non-reductions
  double time_us = 0;
  double algbw_gbps = 0;
  double busbw_gbps = 0;
  std::optional<uint64_t> wrong;  // none without --check
};

// algbw = size / time; busbw = algbw * BusBandwidthFactor.
ResultRow MakeRow(CollectiveKind kind, const Layout& layout, DataType dtype,
                  std::optional<ReduceOp> op, uint32_t ranks, double time_us,
                  std::optional<uint64_t> wrong);
// One line: size(B) count type redop time(us) algbw(GB/s) busbw(GB/s) #wrong.
std::string FormatRow(const ResultRow& row);

}  // namespace ccs::bench
