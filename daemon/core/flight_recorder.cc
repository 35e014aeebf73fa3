#include "daemon/core/flight_recorder.h"

namespace ccs {

int64_t UnixMicros(const FlightDump& dump, std::chrono::steady_clock::time_point t) {
  if (t == std::chrono::steady_clock::time_point{}) return 0;
  const auto wall =
      dump.system_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            dump.steady_now - t);
  return std::chrono::duration_cast<std::chrono::microseconds>(wall.time_since_epoch())
      .count();
}

FlightRecorder::FlightRecorder(uint32_t capacity) : capacity_(capacity) {}

OpRecord& FlightRecorder::Next() {
  ++recorded_;
  OpRecord* slot = &scratch_;
  if (capacity_ == 0) {
    // scratch_ only
  } else if (ring_.size() < capacity_) {
    if (ring_.empty()) ring_.reserve(capacity_);  // slots never move
    slot = &ring_.emplace_back();
  } else {
    slot = &ring_[next_];
    next_ = (next_ + 1) % capacity_;
  }
  slot->arrivals.clear();
  return *slot;
}

FlightDump FlightRecorder::Dump() const {
  FlightDump dump;
  dump.capacity = capacity_;
  dump.recorded = recorded_;
  dump.steady_now = std::chrono::steady_clock::now();
  dump.system_now = std::chrono::system_clock::now();
  dump.ops.reserve(ring_.size());
  // Before the ring is full next_ is 0 and ring_ is in order already.
  for (size_t i = 0; i < ring_.size(); ++i) {
    dump.ops.push_back(ring_[(next_ + i) % ring_.size()]);
  }
  return dump;
}

}  // namespace ccs
