// The flight recorder ring: order, overwrite, slot reuse, clock conversion.
#include "daemon/core/flight_recorder.h"

#include <catch2/catch.hpp>

namespace ccs {
namespace {

using namespace std::chrono_literals;

void Fill(FlightRecorder& recorder, uint64_t seq, uint32_t ranks) {
  OpRecord& r = recorder.Next();
  r.seq = seq;
  for (uint32_t i = 0; i < ranks; ++i) r.arrivals.push_back({i, {}});
  r.message = "op " + std::to_string(seq);
}

std::vector<uint64_t> Seqs(const FlightDump& dump) {
  std::vector<uint64_t> seqs;
  for (const OpRecord& r : dump.ops) seqs.push_back(r.seq);
  return seqs;
}

TEST_CASE("The recorder keeps the last N ops, oldest first", "[flight_recorder]") {
  FlightRecorder recorder(3);
  CHECK(recorder.Dump().ops.empty());
  Fill(recorder, 1, 2);
  Fill(recorder, 2, 2);
  CHECK(Seqs(recorder.Dump()) == std::vector<uint64_t>{1, 2});
  for (uint64_t seq = 3; seq <= 7; ++seq) Fill(recorder, seq, 2);
  FlightDump dump = recorder.Dump();
  CHECK(Seqs(dump) == std::vector<uint64_t>{5, 6, 7});
  CHECK(dump.capacity == 3);
  CHECK(dump.recorded == 7);
  CHECK(dump.ops[0].message == "op 5");
}

TEST_CASE("A wrapped slot is reused with its capacity and its arrivals cleared",
          "[flight_recorder]") {
  FlightRecorder recorder(2);
  OpRecord* first = &recorder.Next();
  for (uint32_t i = 0; i < 8; ++i) first->arrivals.push_back({i, {}});
  first->message.assign(200, 'x');
  const size_t arrivals_capacity = first->arrivals.capacity();
  const size_t message_capacity = first->message.capacity();
  recorder.Next();
  OpRecord& again = recorder.Next();  // wraps to the first slot
  CHECK(&again == first);
  CHECK(again.arrivals.empty());
  CHECK(again.arrivals.capacity() == arrivals_capacity);
  again.message.assign("short");
  CHECK(again.message.capacity() == message_capacity);
}

TEST_CASE("Capacity 0 keeps nothing but still counts", "[flight_recorder]") {
  FlightRecorder recorder(0);
  Fill(recorder, 1, 3);
  Fill(recorder, 2, 3);
  FlightDump dump = recorder.Dump();
  CHECK(dump.ops.empty());
  CHECK(dump.recorded == 2);
  CHECK(dump.capacity == 0);
}

TEST_CASE("Steady times become wall-clock microseconds of the dump",
          "[flight_recorder]") {
  FlightDump dump;
  dump.steady_now = std::chrono::steady_clock::now();
  dump.system_now =
      std::chrono::system_clock::time_point(std::chrono::seconds(1'000'000));
  CHECK(UnixMicros(dump, dump.steady_now) == 1'000'000'000'000);
  CHECK(UnixMicros(dump, dump.steady_now - 1500us) == 1'000'000'000'000 - 1500);
  CHECK(UnixMicros(dump, {}) == 0);
}

}  // namespace
}  // namespace ccs
