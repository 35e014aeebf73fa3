// FlightRecorder: a group's ring of its last N finished ops, for
// `ccsctl dump group` and for the log line written when the group goes
// BROKEN.
//
// A record is written once per op when the op completes or fails (not per
// rank): the sequence number, the call, which ranks arrived and when, when
// the op finished and with which status. Slots are reused: refilling a slot
// keeps the capacity of its vectors and strings, so after the ring has
// wrapped a record allocates only when an op has more ranks or a longer
// status message than any op that used that slot before.
//
// Not thread-safe: the owner serializes every call (Group holds its lock).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/core/types.h"

namespace ccs {

// Default of the `flight_recorder_ops` option.
inline constexpr uint32_t kDefaultFlightRecorderOps = 256;

// One rank's arrival at a recorded op.
struct RankArrival {
  uint32_t rank = 0;
  std::chrono::steady_clock::time_point at;
};

// One finished op of a group, as the ranks that arrived called it.
struct OpRecord {
  // Collectives: the group's sequence number. A matched send/recv pair: its
  // number on the (sender, receiver) channel. A send or recv that never
  // found its match: 0.
  uint64_t seq = 0;
  CollectiveKind kind = CollectiveKind::kBarrier;
  DataType dtype = DataType::kFloat32;  // meaningless for barrier
  ReduceOp op = ReduceOp::kSum;         // meaningful for reductions only
  uint64_t count = 0;
  uint32_t root = 0;  // meaningful for rooted collectives only
  // Send/recv: the rank at the other end, as the first listed rank called
  // it. A matched pair is recorded once, as kind send, sender first.
  uint32_t peer = 0;
  // Bytes the op writes into the output ranges of the ranks that arrived
  // (for an op that completed: every rank's output).
  uint64_t bytes = 0;
  // Ranks that arrived, in the order listed above (rank order for
  // collectives).
  std::vector<RankArrival> arrivals;
  std::chrono::steady_clock::time_point first_arrival;
  // When the op completed or failed.
  std::chrono::steady_clock::time_point finished;
  // What every arrived rank was told; OK only when every output is complete.
  StatusCode code = StatusCode::kOk;
  std::string message;
  // How it ran, for ops that reached an engine: "host", "network" (across
  // nodes on host memory), "cuda:one_shot", "cuda:two_shot",
  // "cuda:copies", "cuda:nccl", "cuda:staged", "cuda:staged+network",
  // "cuda:barrier"; empty for ops that never did (mismatch, abort).
  std::string path;
};

// A copy of a recorder's content, with the clock readings that turn its
// steady-clock times into wall-clock times.
struct FlightDump {
  uint32_t capacity = 0;
  // Ops recorded since the group was created; those beyond `capacity` were
  // overwritten.
  uint64_t recorded = 0;
  std::vector<OpRecord> ops;  // oldest first
  std::chrono::steady_clock::time_point steady_now;
  std::chrono::system_clock::time_point system_now;
};

// Microseconds since the Unix epoch of `t`, as the wall clock read when
// `dump` was taken (0 for a default-constructed time point).
int64_t UnixMicros(const FlightDump& dump, std::chrono::steady_clock::time_point t);

class FlightRecorder {
 public:
  // Keeps the last `capacity` ops; 0 keeps none (Next() then returns a
  // scratch slot that Dump() never shows).
  explicit FlightRecorder(uint32_t capacity);

  // The slot for the next finished op, overwriting the oldest record when
  // the ring is full. The caller fills every field; `arrivals` is cleared,
  // other fields hold the old record's values. The reference stays valid
  // (slots never move) but is refilled once the ring wraps to it.
  OpRecord& Next();

  // Every kept record, oldest first.
  FlightDump Dump() const;

  uint32_t capacity() const { return capacity_; }
  uint64_t recorded() const { return recorded_; }

 private:
  const uint32_t capacity_;
  // Reserved at the first record, grows to capacity_, then reused.
  std::vector<OpRecord> ring_;
  size_t next_ = 0;  // slot Next() fills once the ring is full
  uint64_t recorded_ = 0;
  OpRecord scratch_;  // capacity 0
};

}  // namespace ccs
