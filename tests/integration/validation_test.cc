// Requests the daemon must reject: bad joins, ranges outside their buffer,
// unknown sessions/groups/buffers, and ranks that disagree about a collective.
// After each rejection the other ranks' buffers are untouched and the daemon
// keeps serving (a fresh group's verified all_reduce succeeds).
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "harness/ctl.h"
#include "harness/daemon_process.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"

namespace ccs::it {
namespace {

using Strings = std::vector<std::string>;
const Strings kRangeCodes = {"INVALID_ARGUMENT", "OUT_OF_RANGE"};

// Checks a rejected op: its code, that nothing was written, and that the
// worker's fresh group afterwards works.
void RequireRejectedCleanly(const RankResult& r, const Strings& codes) {
  ResultLine op = RequireCodeIn(r, "op", codes);
  INFO(Describe(r));
  CHECK(Get(op, "recv_unchanged") == "1");
  CHECK(Get(op, "send_unchanged") == "1");
  RequireCode(r, "recover", "OK");
}

// The op message names the buffer with a bad range (by id or shm name).
void RequireNamesBuffer(const RankResult& r, const std::string& which) {
  ResultLine op = RequireStep(r, "op");
  const std::string msg = Get(op, "message");
  INFO("message should name the " << which << " buffer (id " << Get(op, which + "_id")
                                  << " or " << Get(op, which + "_shm") << "): " << msg);
  CHECK((MentionsNumber(msg, GetInt(op, which + "_id")) ||
         msg.find(Get(op, which + "_shm")) != std::string::npos));
}

// One world-1 `call` with `spec`; returns its result.
RankResult RunSingleCall(const DaemonProcess& daemon, const std::string& group,
                         const Strings& spec) {
  RankProcesses ranks;
  Strings extra = spec;
  extra.insert(extra.end(), {"--recover-group", group + "-after"});
  ranks.Start(RankArgs("call", daemon, group, 1, 0, extra));
  return RequireAllExitOk(ranks)[0];
}

}  // namespace

TEST_CASE("joining with a world size other than the group's is INVALID_ARGUMENT",
          "[validation]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start(
      RankArgs("join", daemon, "ws", 2, 0, {"--timeout-ms", "20000", "--allreduce"}));
  RequireJoined(daemon, "ws", 1);
  ranks.Start(RankArgs("join", daemon, "ws", 3, 1, {"--timeout-ms", "5000"}));
  RankResult wrong = ranks.Wait(1, std::chrono::seconds(30));
  ResultLine line = RequireCode(wrong, "join", "INVALID_ARGUMENT");
  INFO(Get(line, "message"));
  CHECK(MentionsNumber(Get(line, "message"), 3));
  CHECK(MentionsNumber(Get(line, "message"), 2));
  // The group still forms with the right world size.
  ranks.Start(
      RankArgs("join", daemon, "ws", 2, 1, {"--timeout-ms", "20000", "--allreduce"}));
  auto results = RequireAllExitOk(ranks);
  RequireCode(results[0], "allreduce", "OK");
  RequireCode(results[2], "allreduce", "OK");
}

TEST_CASE("joining a rank that is already taken is ALREADY_EXISTS", "[validation]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start(
      RankArgs("join", daemon, "dup", 2, 0, {"--timeout-ms", "20000", "--allreduce"}));
  RequireJoined(daemon, "dup", 1);
  ranks.Start(RankArgs("join", daemon, "dup", 2, 0, {"--timeout-ms", "5000"}));
  RankResult dup = ranks.Wait(1, std::chrono::seconds(30));
  ResultLine line = RequireCode(dup, "join", "ALREADY_EXISTS");
  INFO(Get(line, "message"));
  CHECK(MentionsRank(Get(line, "message"), 0));
  ranks.Start(
      RankArgs("join", daemon, "dup", 2, 1, {"--timeout-ms", "20000", "--allreduce"}));
  auto results = RequireAllExitOk(ranks);
  RequireCode(results[0], "allreduce", "OK");
  RequireCode(results[2], "allreduce", "OK");
}

TEST_CASE("a rank outside the world size is INVALID_ARGUMENT", "[validation]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start(RankArgs("join", daemon, "oob", 2, 2, {"--timeout-ms", "5000"}));
  ranks.Start(RankArgs("join", daemon, "oob0", 0, 0, {"--timeout-ms", "5000"}));
  auto results = RequireAllExitOk(ranks);
  ResultLine line = RequireCode(results[0], "join", "INVALID_ARGUMENT");
  INFO(Get(line, "message"));
  CHECK(MentionsNumber(Get(line, "message"), 2));
  RequireCode(results[1], "join", "INVALID_ARGUMENT");
  // Still serving: the group forms once the ranks are right.
  RankProcesses good;
  good.Start(RankArgs("join", daemon, "oob", 1, 0, {"--allreduce"}));
  RequireCode(RequireAllExitOk(good)[0], "allreduce", "OK");
}

TEST_CASE("a range outside its registered buffer is rejected naming the buffer",
          "[validation]") {
  DaemonProcess daemon;
  // Buffers are 4096 bytes; float32 count 16 is 64 bytes.
  struct RangeCase {
    const char* name;
    Strings spec;
    const char* bad;  // which buffer the range error is about
  };
  const std::vector<RangeCase> cases = {
      {"recv range past the end", {"--recv-offset", "4040"}, "recv"},
      {"send range past the end", {"--send-offset", "4093"}, "send"},
      {"recv offset equal to the size", {"--recv-offset", "4096"}, "recv"},
      {"count past the end", {"--count", "1025"}, "recv"},
      {"offset 2^63", {"--recv-offset", "9223372036854775808"}, "recv"},
      {"offset + bytes wraps around 2^64",
       {"--recv-offset", "18446744073709551600"},
       "recv"},
      {"count * element size wraps around 2^64",
       {"--count", "4611686018427387905"},
       "recv"},
      {"all_gather output larger than recv (in place)",
       {"--kind", "all_gather", "--inplace", "--count", "1024", "--recv-offset", "4"},
       "recv"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Strings spec = {"--buf-bytes", "4096", "--timeout-ms", "10000"};
      spec.insert(spec.end(), c.spec.begin(), c.spec.end());
      RankResult r = RunSingleCall(daemon, "range", spec);
      RequireRejectedCleanly(r, kRangeCodes);
      // Count overflow names the range rather than one buffer; every other
      // case must name the buffer.
      if (std::string(c.name).find("count * element") == std::string::npos) {
        RequireNamesBuffer(r, c.bad);
      }
    }
  }
}

TEST_CASE("a bad range on one rank leaves the other ranks' buffers untouched",
          "[validation]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  const Strings common = {"--buf-bytes",     "4096",          "--timeout-ms", "3000",
                          "--recover-group", "badrange-after"};
  Strings bad = common;
  bad.insert(bad.end(), {"--recv-offset", "4090"});
  ranks.Start(RankArgs("call", daemon, "badrange", 2, 0, bad));
  ranks.Start(RankArgs("call", daemon, "badrange", 2, 1, common));
  auto results = RequireAllExitOk(ranks);
  RequireRejectedCleanly(results[0], kRangeCodes);
  RequireNamesBuffer(results[0], "recv");
  // Rank 1 cannot complete without rank 0; whatever it gets, nothing of its
  // buffers was written.
  ResultLine other = RequireStep(results[1], "op");
  INFO(Describe(results[1]));
  CHECK(Get(other, "code") != "OK");
  CHECK(Get(other, "recv_unchanged") == "1");
  CHECK(Get(other, "send_unchanged") == "1");
  RequireCode(results[1], "recover", "OK");
}

TEST_CASE("ranks calling different collectives all get INVALID_ARGUMENT naming both",
          "[validation]") {
  DaemonProcess daemon;
  struct Mismatch {
    const char* name;
    Strings rank0, rank1;
    std::string said0, said1;  // what the message must quote for each rank
  };
  const std::vector<Mismatch> cases = {
      {"kind",
       {"--kind", "all_reduce"},
       {"--kind", "broadcast"},
       "all_reduce",
       "broadcast"},
      {"count", {"--count", "16"}, {"--count", "17"}, "16", "17"},
      {"dtype", {"--dtype", "float32"}, {"--dtype", "int32"}, "float32", "int32"},
      {"op", {"--op", "sum"}, {"--op", "max"}, "sum", "max"},
      {"root",
       {"--kind", "broadcast", "--root", "0"},
       {"--kind", "broadcast", "--root", "1"},
       "root",
       "root"},
  };
  for (const auto& m : cases) {
    DYNAMIC_SECTION("differing " << m.name) {
      const std::string group = std::string("mismatch-") + m.name;
      RankProcesses ranks;
      Strings a = {"--timeout-ms", "10000", "--recover-group", group + "-after"};
      Strings b = a;
      a.insert(a.end(), m.rank0.begin(), m.rank0.end());
      b.insert(b.end(), m.rank1.begin(), m.rank1.end());
      ranks.Start(RankArgs("call", daemon, group, 2, 0, a));
      ranks.Start(RankArgs("call", daemon, group, 2, 1, b));
      auto results = RequireAllExitOk(ranks);
      for (const auto& r : results) {
        RequireRejectedCleanly(r, {"INVALID_ARGUMENT"});
        const std::string msg = Get(RequireStep(r, "op"), "message");
        INFO("worker #" << r.index << " message: " << msg);
        CHECK(MentionsRank(msg, 0));
        CHECK(MentionsRank(msg, 1));
        CHECK(msg.find(m.said0) != std::string::npos);
        CHECK(msg.find(m.said1) != std::string::npos);
      }
    }
  }
}

TEST_CASE("a third rank with a different collective is named in every rank's error",
          "[validation]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  for (uint32_t r = 0; r < 3; ++r) {
    Strings spec = {"--timeout-ms",  "10000",  "--recover-group",
                    "odd-one-after", "--kind", r == 2 ? "all_gather" : "all_reduce"};
    ranks.Start(RankArgs("call", daemon, "odd-one", 3, r, spec));
  }
  auto results = RequireAllExitOk(ranks);
  for (const auto& r : results) {
    RequireRejectedCleanly(r, {"INVALID_ARGUMENT"});
    const std::string msg = Get(RequireStep(r, "op"), "message");
    INFO("worker #" << r.index << " message: " << msg);
    CHECK(MentionsRank(msg, 2));
    CHECK(msg.find("all_gather") != std::string::npos);
    CHECK(msg.find("all_reduce") != std::string::npos);
  }
}

TEST_CASE("overlapping send and recv ranges of an out-of-place call are rejected",
          "[validation]") {
  DaemonProcess daemon;
  // send at byte 32 of the recv buffer, recv at 0: 64-byte ranges overlap.
  RankResult r =
      RunSingleCall(daemon, "overlap",
                    {"--send-in-recv", "--send-offset", "32", "--timeout-ms", "10000"});
  RequireRejectedCleanly(r, kRangeCodes);
}

TEST_CASE("malformed calls are INVALID_ARGUMENT on the calling rank", "[validation]") {
  DaemonProcess daemon;
  struct Malformed {
    const char* name;
    Strings spec;  // every rank of a world-2 group calls this
  };
  const std::vector<Malformed> cases = {
      {"root outside the world", {"--kind", "broadcast", "--root", "2"}},
      {"counts with fewer entries than ranks",
       {"--kind", "all_gather_v", "--counts", "16"}},
      {"counts with more entries than ranks",
       {"--kind", "reduce_scatter_v", "--counts", "4,4,4"}},
      {"all_to_all_v without recv_counts",
       {"--kind", "all_to_all_v", "--send-counts", "4,4"}},
      {"send to a peer outside the world", {"--kind", "send", "--peer", "7"}},
  };
  for (const auto& m : cases) {
    DYNAMIC_SECTION(m.name) {
      RankProcesses ranks;
      for (uint32_t r = 0; r < 2; ++r) {
        Strings spec = {"--timeout-ms", "5000", "--recover-group", "malformed-after"};
        spec.insert(spec.end(), m.spec.begin(), m.spec.end());
        ranks.Start(RankArgs("call", daemon, "malformed", 2, r, spec));
      }
      for (const auto& r : RequireAllExitOk(ranks)) {
        RequireRejectedCleanly(r, {"INVALID_ARGUMENT"});
        INFO(Get(RequireStep(r, "op"), "message"));
        CHECK(!Get(RequireStep(r, "op"), "message").empty());
      }
    }
  }
}

TEST_CASE("a rank sending to itself is INVALID_ARGUMENT", "[validation]") {
  DaemonProcess daemon;
  RankResult r = RunSingleCall(daemon, "self",
                               {"--kind", "send", "--peer", "0", "--timeout-ms", "5000"});
  RequireRejectedCleanly(r, {"INVALID_ARGUMENT"});
}

TEST_CASE("ranks disagreeing about per-rank counts get INVALID_ARGUMENT",
          "[validation]") {
  DaemonProcess daemon;
  struct Disagreement {
    const char* name;
    Strings rank0, rank1;
  };
  const std::vector<Disagreement> cases = {
      {"all_gather_v counts",
       {"--kind", "all_gather_v", "--counts", "16,16"},
       {"--kind", "all_gather_v", "--counts", "16,17"}},
      {"reduce_scatter_v counts",
       {"--kind", "reduce_scatter_v", "--counts", "3,5"},
       {"--kind", "reduce_scatter_v", "--counts", "5,3"}},
      // Rank 1 sends 5 elements to rank 0, which expects 4.
      {"all_to_all_v send and recv counts",
       {"--kind", "all_to_all_v", "--send-counts", "4,4", "--recv-counts", "4,4"},
       {"--kind", "all_to_all_v", "--send-counts", "5,4", "--recv-counts", "4,4"}},
      {"send and recv counts",
       {"--kind", "send", "--peer", "1", "--count", "16"},
       {"--kind", "recv", "--peer", "0", "--count", "17"}},
      {"send and recv dtypes",
       {"--kind", "send", "--peer", "1", "--dtype", "float32"},
       {"--kind", "recv", "--peer", "0", "--dtype", "int32"}},
  };
  for (const auto& m : cases) {
    DYNAMIC_SECTION(m.name) {
      const std::string group =
          std::string("disagree-") + std::to_string(&m - cases.data());
      RankProcesses ranks;
      Strings a = {"--timeout-ms", "10000", "--recover-group", group + "-after"};
      Strings b = a;
      a.insert(a.end(), m.rank0.begin(), m.rank0.end());
      b.insert(b.end(), m.rank1.begin(), m.rank1.end());
      ranks.Start(RankArgs("call", daemon, group, 2, 0, a));
      ranks.Start(RankArgs("call", daemon, group, 2, 1, b));
      for (const auto& r : RequireAllExitOk(ranks)) {
        RequireRejectedCleanly(r, {"INVALID_ARGUMENT"});
        const std::string msg = Get(RequireStep(r, "op"), "message");
        INFO("worker #" << r.index << " message: " << msg);
        CHECK(MentionsRank(msg, 0));
        CHECK(MentionsRank(msg, 1));
      }
    }
  }
}

TEST_CASE("a group name formed anew after its members left gets a higher epoch",
          "[validation]") {
  DaemonProcess daemon;
  int64_t first_epoch = -1;
  for (int round = 0; round < 2; ++round) {
    RankProcesses ranks;
    for (uint32_t r = 0; r < 2; ++r) {
      ranks.Start(RankArgs("join", daemon, "reborn", 2, r, {"--allreduce"}));
    }
    auto results = RequireAllExitOk(ranks);
    ResultLine join0 = RequireCode(results[0], "join", "OK");
    ResultLine join1 = RequireCode(results[1], "join", "OK");
    RequireCode(results[0], "allreduce", "OK");
    CHECK(Get(join0, "epoch") == Get(join1, "epoch"));
    if (round == 0) {
      first_epoch = GetInt(join0, "epoch");
    } else {
      INFO("first epoch " << first_epoch << ", second " << Get(join0, "epoch"));
      CHECK(GetInt(join0, "epoch") > first_epoch);
    }
  }
}

// The SDK refuses a HostBuffer of another Client before sending anything
// (INVALID_ARGUMENT naming the buffer); the daemon's own answer for an id it
// never issued is NOT_FOUND. Either way the call must fail naming the id.
TEST_CASE("a buffer id the daemon never issued is refused", "[validation]") {
  DaemonProcess daemon;
  DaemonProcess other;
  RankProcesses ranks;
  ranks.Start(
      {"unknown-buffer", "--addr", daemon.address(), "--other-addr", other.address()});
  RankResult r = RequireAllExitOk(ranks)[0];
  ResultLine line = RequireCodeIn(r, "unknown_buffer", {"NOT_FOUND", "INVALID_ARGUMENT"});
  INFO(Get(line, "message"));
  CHECK(MentionsNumber(Get(line, "message"), GetInt(line, "buffer_id")));
}

TEST_CASE("a collective on a group this session left is rejected", "[validation]") {
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start({"unknown-group", "--addr", daemon.address()});
  RankResult r = RequireAllExitOk(ranks)[0];
  RequireCode(r, "leave", "OK");
  ResultLine line = RequireCodeIn(r, "after_leave", {"NOT_FOUND", "FAILED_PRECONDITION"});
  INFO(Get(line, "message"));
  CHECK(!Get(line, "message").empty());
}

TEST_CASE("a session that outlived its daemon is refused, not silently served",
          "[validation]") {
  // One SDK client outlives its daemon; a new daemon on the same socket path
  // never issued the client's session id. The SDK notices the lost session
  // stream and answers UNAVAILABLE itself; should a call reach the new daemon
  // anyway, it must be NOT_FOUND. (A raw unknown session id cannot be sent
  // through the SDK, which is all the workers use.)
  TempDir dir("ccs-it-restart-");
  const std::string go = dir.Join("go");
  DaemonProcess daemon;
  RankProcesses ranks;
  ranks.Start({"restart-probe", "--addr", daemon.address(), "--go-file", go});
  REQUIRE(ranks.WaitForOutput(0, "CONNECTED", std::chrono::seconds(20)));
  daemon.Restart();
  std::ofstream(go).put('x');
  RankResult r = RequireAllExitOk(ranks)[0];
  for (const char* step : {"join", "register"}) {
    ResultLine line = RequireCodeIn(r, step, {"UNAVAILABLE", "NOT_FOUND"});
    INFO(step << ": " << Get(line, "message"));
    CHECK(Get(line, "message").find("session") != std::string::npos);
  }
}

}  // namespace ccs::it
