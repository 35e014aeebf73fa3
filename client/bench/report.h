// ccs-bench's output, in the shape of nccl-tests' tables. Pure formatting:
// every function returns text and prints nothing; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccs/types.h"
#include "client/bench/device_baseline.h"
#include "client/bench/layout.h"
#include "client/bench/memcpy_baseline.h"
#include "client/bench/options.h"

namespace ccs::bench {

struct ResultRow {
  Layout layout;
  DataType dtype = DataType::kFloat32;
  std::optional<ReduceOp> op;  // none for non-reductions
  double time_us = 0;
  double algbw_gbps = 0;
  double busbw_gbps = 0;
  std::optional<uint64_t> wrong;  // none without --check
};

// What the baselines measured before the ccs ranks started; each ccs rank
// gets a copy (made before fork).
struct Baselines {
  std::optional<MemcpyBandwidth> memcpy;
  // --baseline gloo: per collective Gloo ran, one row per BenchLayouts()
  // entry, in the same order. Empty without --baseline gloo.
  std::map<CollectiveKind, std::vector<ResultRow>> gloo;
  // --baseline gloo: one line saying how Gloo ran; "" without.
  std::string gloo_note;
  // --memory device: the device memcpy and single-rank NCCL baselines.
  std::optional<DeviceBaselines> device;
};

// "# ..." lines: what runs, against which daemons, and the baselines.
// `daemons` holds one description per options.addresses entry; empty when
// no ccs rank runs (--baseline-only).
std::string FormatHeader(const BenchOptions& options,
                         const std::vector<std::string>& daemons,
                         const Baselines& baselines);

// The column header of one collective's table. `compare`: two more
// columns, impl (ccs or gloo) and ccs/gloo (ccs time / gloo time).
std::string FormatTableHeader(CollectiveKind kind, bool compare = false);

// algbw = size / time; busbw = algbw * BusBandwidthFactor.
ResultRow MakeRow(CollectiveKind kind, const Layout& layout, DataType dtype,
                  std::optional<ReduceOp> op, uint32_t ranks, double time_us,
                  std::optional<uint64_t> wrong);
// One line: size(B) count type redop time(us) algbw(GB/s) busbw(GB/s) #wrong,
// and with a non-empty `impl` the compare columns (`ratio` "-" when none).
std::string FormatRow(const ResultRow& row, std::string_view impl = {},
                      std::optional<double> ratio = std::nullopt);

// "# all_reduce: out of bounds values: 0 OK, avg bus bandwidth: ..." over
// `rows`; a non-empty `impl` goes after the name: "# all_reduce (gloo): ".
std::string FormatFooter(CollectiveKind kind, const std::vector<ResultRow>& rows,
                         std::string_view impl = {});

// "# all_reduce: ccs/gloo time: geomean G over N sizes, min ..., max ...",
// over the sizes both lists have at the same index; "" when there are none.
std::string FormatRatioSummary(CollectiveKind kind, const std::vector<ResultRow>& ccs,
                               const std::vector<ResultRow>& gloo);

// The whole output of a --baseline-only run: the header and one table per
// collective Gloo ran.
std::string FormatBaselineReport(const BenchOptions& options, const Baselines& baselines);

}  // namespace ccs::bench
