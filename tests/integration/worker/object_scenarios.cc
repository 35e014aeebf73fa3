#include "worker/object_scenarios.h"

#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "ccs/ccs.h"
#include "worker/report.h"

namespace ccs::it {
namespace {

using std::chrono::milliseconds;

// `size` bytes that differ per tag, rank and position and cover every byte
// value (NULs included).
std::string Pattern(uint32_t tag, uint32_t rank, uint64_t size) {
  std::string s(size, '\0');
  for (uint64_t i = 0; i < size; ++i) {
    s[i] = static_cast<char>((tag * 131 + rank * 31 + i * 7 + (i >> 8)) & 0xff);
  }
  return s;
}

// Throws (code EXCEPTION in the RESULT line) unless `got` equals `want`.
void Expect(const std::string& got, const std::string& want, const std::string& what) {
  if (got == want) return;
  size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  throw std::runtime_error("MISMATCH in " + what + ": " + std::to_string(got.size()) +
                           " bytes, expected " + std::to_string(want.size()) +
                           "; first difference at byte " + std::to_string(i));
}

void ExpectTrue(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("MISMATCH: " + what);
}

std::unique_ptr<Client> Connect(const Args& args, const std::string& name) {
  ClientOptions co;
  co.address = args.Str("addr");
  co.client_name = name;
  return Client::Connect(co);
}

std::unique_ptr<Group> Join(Client& client, const Args& args) {
  return client.JoinGroup(args.Str("group"), static_cast<uint32_t>(args.U64("world")),
                          static_cast<uint32_t>(args.U64("rank")),
                          milliseconds(args.U64("join-timeout-ms", 30000)));
}

// Runs the steps of `objects`, remembering whether all passed.
class Steps {
 public:
  template <typename Fn>
  void Run(const std::string& step, Fn&& fn, const std::string& want = "OK") {
    Outcome o = Attempt(fn);
    PrintResult(step, o);
    if (o.code != want) ok_ = false;
  }
  bool ok() const { return ok_; }

 private:
  bool ok_ = true;
};

void Broadcasts(Group& g, Steps& steps, uint64_t big) {
  const uint32_t n = g.size(), me = g.rank();
  for (uint32_t root = 0; root < n; ++root) {
    const uint64_t size = root == 0 ? big : root == 1 ? 0 : 100 * root + 1;
    steps.Run("broadcast_object_root" + std::to_string(root), [&] {
      const std::string want = Pattern(1, root, size);
      Expect(g.BroadcastObject(me == root ? want : "not sent", root), want, "broadcast");
    });
  }
}

void Gathers(Group& g, Steps& steps) {
  const uint32_t n = g.size(), me = g.rank();
  auto size_of = [n](uint32_t r) -> uint64_t {
    return r * 37 + (r + 1 == n ? 600'000 : 0);
  };
  steps.Run("all_gather_object", [&] {
    std::vector<std::string> all = g.AllGatherObject(Pattern(2, me, size_of(me)));
    ExpectTrue(all.size() == n, "all_gather returned " + std::to_string(all.size()));
    for (uint32_t r = 0; r < n; ++r)
      Expect(all[r], Pattern(2, r, size_of(r)), "all_gather");
  });
  steps.Run("scatter_object", [&] {
    const uint32_t root = n - 1;
    std::vector<std::string> parts;
    if (me == root) {
      for (uint32_t d = 0; d < n; ++d) parts.push_back(Pattern(3, d, d * 11 + 5));
    }
    Expect(g.ScatterObject(parts, root), Pattern(3, me, me * 11 + 5), "scatter");
  });
}

void PointToPoint(Group& g, Steps& steps) {
  const uint32_t n = g.size(), me = g.rank();
  const uint32_t next = (me + 1) % n, prev = (me + n - 1) % n;
  steps.Run("send_recv_object", [&] {
    g.SendObject(Pattern(4, me, 1000 + me), next);
    g.SendObject(Pattern(5, me, 700'000), next);  // several chunks
    Expect(g.RecvObject(prev), Pattern(4, prev, 1000 + prev), "first recv");
    Expect(g.RecvObject(prev), Pattern(5, prev, 700'000), "second recv");
  });
  steps.Run("barrier", [&] { g.Barrier(); });
}

void KeyValue(Group& g, Steps& steps) {
  const uint32_t n = g.size(), me = g.rank();
  KvScope kv = g.Kv();
  steps.Run("kv_set_wait_get", [&] {
    if (me == 0) kv.Set("config", Pattern(6, 0, 1000));
    kv.Wait({"config"}, milliseconds(20000));
    Expect(kv.Get("config"), Pattern(6, 0, 1000), "kv get");
  });
  steps.Run("kv_add", [&] {
    kv.Add("arrivals", 1);
    g.Barrier();
    Expect(kv.Get("arrivals"), std::to_string(n), "kv counter");
  });
  steps.Run("kv_compare_and_set", [&] {
    std::string current;
    const bool won = kv.CompareAndSet("leader", "", "rank" + std::to_string(me),
                                      milliseconds(0), &current);
    std::vector<std::string> wins = g.AllGatherObject(won ? "1" : "0");
    uint32_t winners = 0, winner = 0;
    for (uint32_t r = 0; r < n; ++r) {
      if (wins[r] == "1") winners++, winner = r;
    }
    ExpectTrue(winners == 1, std::to_string(winners) + " ranks won compare_and_set");
    Expect(current, "rank" + std::to_string(winner), "value after compare_and_set");
  });
  steps.Run("kv_ttl_expiry", [&] {
    if (me == 0) {
      kv.Set("short", "x", milliseconds(300));
      kv.Set("long", "y");
    }
    g.Barrier();
    // Observed, not timed: the key must be gone within a generous bound.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (kv.TryGet("short") && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(milliseconds(50));
    }
    ExpectTrue(!kv.TryGet("short").has_value(), "key with a ttl never expired");
    Expect(kv.Get("long"), "y", "key without ttl");
  });
  steps.Run("kv_delete", [&] {
    g.Barrier();
    if (me == 0) ExpectTrue(kv.Delete("long"), "delete of an existing key said absent");
    g.Barrier();
    ExpectTrue(!kv.TryGet("long").has_value(), "deleted key still readable");
  });
  steps.Run(
      "kv_get_missing", [&] { kv.Get("never-set"); }, "NOT_FOUND");
  steps.Run("kv_wait_missing", [&] {
    try {
      kv.Wait({"config", "never-set"}, milliseconds(300));
    } catch (const Error& e) {
      // Names the missing key only; the group stays usable (next steps).
      ExpectTrue(e.code() == Code::kDeadlineExceeded &&
                     e.message().find("'never-set'") != std::string::npos &&
                     e.message().find("'config'") == std::string::npos,
                 "kv wait failed with " + std::string(e.what()));
      return;
    }
    throw std::runtime_error("MISMATCH: kv wait on a key never set returned");
  });
}

void Limits(Group& g, Steps& steps, uint64_t limit) {
  const uint32_t me = g.rank();
  if (me == 0) {
    steps.Run(
        "broadcast_object_over_limit",
        [&] { g.BroadcastObject(std::string(limit + 1, 'x'), 0); }, "RESOURCE_EXHAUSTED");
    steps.Run(
        "kv_set_over_limit", [&] { g.Kv().Set("huge", std::string(limit + 1, 'x')); },
        "RESOURCE_EXHAUSTED");
  }
  // The refused call consumed no number: the ranks are still in step.
  steps.Run("broadcast_object_after_limit", [&] {
    const std::string want = Pattern(7, 0, limit);
    Expect(g.BroadcastObject(me == 0 ? want : "", 0), want, "broadcast at the limit");
  });
}

}  // namespace

int RunObjects(const Args& args) {
  auto client = Connect(args, "objects-rank-" + args.Str("rank"));
  std::unique_ptr<Group> group;
  Outcome joined = Attempt([&] { group = Join(*client, args); });
  PrintResult("join", joined);
  if (joined.code != "OK") return 0;
  Steps steps;
  Broadcasts(*group, steps, args.U64("big-bytes", 1'572'867));
  Gathers(*group, steps);
  if (group->size() > 1) PointToPoint(*group, steps);
  KeyValue(*group, steps);
  if (args.Has("limit-bytes")) Limits(*group, steps, args.U64("limit-bytes"));
  steps.Run("final_barrier", [&] { group->Barrier(); });
  PrintLine(steps.ok() ? "OBJECTS OK" : "OBJECTS FAILED");
  return 0;
}

int RunObjectCall(const Args& args) {
  auto client = Connect(args, "object-call-rank-" + args.Str("rank"));
  std::unique_ptr<Group> group;
  Outcome joined = Attempt([&] { group = Join(*client, args); });
  PrintResult("join", joined, {{"pid", std::to_string(::getpid())}});
  if (joined.code != "OK") return 0;
  const std::string op = args.Str("op");
  const auto root = static_cast<uint32_t>(args.U64("root", 0));
  const auto peer = static_cast<uint32_t>(args.U64("peer", 0));
  const std::string payload = Pattern(8, group->rank(), args.U64("bytes", 16));
  const milliseconds timeout(args.U64("timeout-ms", 0));
  Outcome o = Attempt([&] {
    if (op == "broadcast") {
      group->BroadcastObject(payload, root, timeout);
    } else if (op == "all_gather") {
      group->AllGatherObject(payload, timeout);
    } else if (op == "scatter") {
      group->ScatterObject(std::vector<std::string>(group->size(), payload), root,
                           timeout);
    } else if (op == "send") {
      group->SendObject(payload, peer, timeout);
    } else if (op == "recv") {
      group->RecvObject(peer, timeout);
    } else {
      throw UsageError("unknown --op " + op);
    }
  });
  PrintResult("object", o);
  if (args.Has("then-all-gather")) {
    PrintResult("then", Attempt([&] { group->AllGatherObject(payload, timeout); }));
  }
  if (args.Has("hold")) {
    PrintLine("HOLDING pid=" + std::to_string(::getpid()));
    for (;;) ::pause();
  }
  return 0;
}

}  // namespace ccs::it
