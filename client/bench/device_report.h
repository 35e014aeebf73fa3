// ccs-bench's tables in device mode: each ccs row carries its baselines
// (device memcpy of the same bytes; single-rank NCCL for all_reduce) and
// the ratios ccs time / baseline time. Pure formatting; thread-safe.
#pragma once

#include <string>

#include "ccs/types.h"
#include "client/bench/device_baseline.h"

namespace ccs::bench {

struct ResultRow;

// "# ..." lines naming the memory and how each baseline ran.
std::string FormatDeviceHeader(const DeviceBaselines& baselines);
// The column header: FormatTableHeader's columns plus memcpy(us)
// ccs/memcpy nccl(us) ccs/nccl.
std::string FormatDeviceTableHeader(CollectiveKind kind);
// FormatRow's columns plus the four above ("-" where a baseline has no
// value for this size).
std::string FormatDeviceRow(CollectiveKind kind, const ResultRow& row,
                            const DeviceBaselines& baselines);

}  // namespace ccs::bench
