#include "worker/sweep.h"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <memory>

#include "ccs/ccs.h"
#include "worker/dtype_codec.h"
#include "worker/names.h"
#include "worker/report.h"
#include "worker/sweep_plan.h"

namespace ccs::it {
namespace {

constexpr uint8_t kSentinel = 0xCD;
constexpr uint64_t kGuard = 128;   // sentinel bytes checked after each range
constexpr uint64_t kMaxShift = 4;  // view offset = kGuard + (id % 5) * elem

SweepOptions ParseOptions(const Args& args, uint32_t world) {
  SweepOptions o;
  o.world = world;
  o.counts = args.U64List("counts", o.counts);
  o.large_bytes = args.U64("large-bytes", 0);
  o.large_all_ops = args.Has("large-all-ops");
  o.large_in_place = !args.Has("large-out-of-place-only");
  for (const auto& k : args.StrList("kinds")) {
    auto v = KindFromName(k);
    if (!v) throw UsageError("unknown kind " + k);
    o.kinds.push_back(*v);
  }
  for (const auto& d : args.StrList("dtypes")) {
    auto v = DtypeFromName(d);
    if (!v) throw UsageError("unknown dtype " + d);
    o.dtypes.push_back(*v);
  }
  if (args.Has("placements")) {
    o.placements.clear();
    for (const auto& p : args.StrList("placements")) {
      if (p != "in" && p != "out") throw UsageError("placement must be in or out");
      o.placements.push_back(p == "in");
    }
  }
  return o;
}

// `misalign` bytes are added to every view offset (0: element-aligned views).
uint64_t ViewOffset(const SweepCase& c, uint64_t misalign) {
  return kGuard + (c.id % (kMaxShift + 1)) * ElemSize(c.dtype) + misalign;
}

// Describes byte `b` of a checked range (view at `off`, region of `bytes`).
std::string Where(uint64_t b, uint64_t off, uint64_t bytes, size_t elem) {
  if (b < off) return "guard byte " + std::to_string(off - b) + " before the view";
  if (b >= off + bytes) {
    return "byte " + std::to_string(b - off - bytes) + " past the end of the range";
  }
  return "index " + std::to_string((b - off) / elem);
}

class SweepRunner {
 public:
  SweepRunner(const Args& args)
      : world_(static_cast<uint32_t>(args.U64("world"))),
        rank_(static_cast<uint32_t>(args.U64("rank"))),
        verbose_(args.Has("verbose")),
        misalign_(args.U64("misalign", 0)),
        options_(ParseOptions(args, world_)),
        cases_(BuildCases(options_)) {
    ClientOptions co;
    co.address = args.Str("addr");
    co.client_name = "sweep-rank-" + std::to_string(rank_);
    client_ = Client::Connect(co);
    group_ =
        client_->JoinGroup(args.Str("group"), world_, rank_, std::chrono::seconds(60));
    uint64_t send_max = 0, recv_max = 0;
    for (const auto& c : cases_) {
      Reference ref(c, world_, rank_);
      send_max = std::max(send_max, ref.layout().send_elems * ElemSize(c.dtype));
      recv_max = std::max(recv_max, ref.layout().recv_elems * ElemSize(c.dtype));
    }
    const uint64_t pad = kGuard + kMaxShift * 8 + misalign_ + kGuard;
    send_ = client_->CreateHostBuffer(send_max + pad);
    recv_ = client_->CreateHostBuffer(recv_max + pad);
  }

  // 0 when every case passed.
  int Run() {
    int64_t start = NowMs();
    for (const auto& c : cases_) {
      if (!RunCase(c)) return 1;
    }
    // Leaving breaks the group for ranks still busy (e.g. the last send/recv
    // pair of the ring): wait for everyone first.
    Outcome done = Attempt([&] { group_->Barrier(); });
    if (done.code != "OK") {
      PrintLine("FAILED rank=" + std::to_string(rank_) +
                " final barrier code=" + done.code + " message=" + done.message);
      return 1;
    }
    PrintLine("SWEEP OK rank=" + std::to_string(rank_) + " world=" +
              std::to_string(world_) + " cases=" + std::to_string(cases_.size()) +
              " ms=" + std::to_string(NowMs() - start));
    group_.reset();
    return 0;
  }

 private:
  void Call(const SweepCase& c, const Reference& ref, BufferView send, BufferView recv) {
    const uint64_t n = c.count;
    switch (c.kind) {
      case CollectiveKind::kAllReduce:
        return group_->AllReduce(send, recv, n, c.dtype, c.op);
      case CollectiveKind::kAllGather:
        return group_->AllGather(send, recv, n, c.dtype);
      case CollectiveKind::kAllGatherV:
        return group_->AllGatherV(send, recv, ref.VCounts(), c.dtype);
      case CollectiveKind::kReduceScatter:
        return group_->ReduceScatter(send, recv, n, c.dtype, c.op);
      case CollectiveKind::kReduceScatterV:
        return group_->ReduceScatterV(send, recv, ref.VCounts(), c.dtype, c.op);
      case CollectiveKind::kReduce:
        return group_->Reduce(send, recv, n, c.dtype, c.op, c.root);
      case CollectiveKind::kBroadcast:
        return group_->Broadcast(send, recv, n, c.dtype, c.root);
      case CollectiveKind::kGather:
        return group_->Gather(send, recv, n, c.dtype, c.root);
      case CollectiveKind::kScatter:
        return group_->Scatter(send, recv, n, c.dtype, c.root);
      case CollectiveKind::kAllToAll:
        return group_->AllToAll(send, recv, n, c.dtype);
      case CollectiveKind::kAllToAllV:
        return group_->AllToAllV(send, recv, ref.A2aSendCounts(), ref.A2aRecvCounts(),
                                 c.dtype);
      case CollectiveKind::kSend: {
        // Ring: send to the right, receive from the left. Even ranks send
        // first and odd ranks receive first, so no cycle of waits forms.
        const uint32_t next = (rank_ + 1) % world_, prev = (rank_ + world_ - 1) % world_;
        if (rank_ % 2 == 0) {
          group_->Send(send, n, c.dtype, next);
          group_->Recv(recv, n, c.dtype, prev);
        } else {
          group_->Recv(recv, n, c.dtype, prev);
          group_->Send(send, n, c.dtype, next);
        }
        return;
      }
      case CollectiveKind::kRecv:
        return;
      case CollectiveKind::kBarrier:
        return group_->Barrier();
    }
  }

  bool Compare(const SweepCase& c, const char* which, const uint8_t* got,
               const std::vector<uint8_t>& expected, uint64_t off, uint64_t bytes) {
    if (std::memcmp(got, expected.data(), expected.size()) == 0) return true;
    uint64_t b = 0;
    while (got[b] == expected[b]) ++b;
    const size_t elem = ElemSize(c.dtype);
    // Decode the whole element containing byte b (guards: the aligned slot).
    uint64_t slot = b >= off ? off + (b - off) / elem * elem : b / elem * elem;
    std::string exp = slot + elem <= expected.size()
                          ? DecodeForDisplay(c.dtype, expected.data() + slot)
                          : "?";
    std::string gotv =
        slot + elem <= expected.size() ? DecodeForDisplay(c.dtype, got + slot) : "?";
    PrintLine("MISMATCH rank=" + std::to_string(rank_) + " world=" +
              std::to_string(world_) + " case=" + c.Name() + " buffer=" + which + " " +
              Where(b, off, bytes, elem) + " expected=" + exp + " got=" + gotv);
    return false;
  }

  bool RunCase(const SweepCase& c) {
    Reference ref(c, world_, rank_);
    const Layout& l = ref.layout();
    const size_t elem = ElemSize(c.dtype);
    const uint64_t off = ViewOffset(c, misalign_);
    const uint64_t send_bytes = l.send_elems * elem, recv_bytes = l.recv_elems * elem;
    const uint64_t send_span = off + send_bytes + kGuard;
    const uint64_t recv_span = off + recv_bytes + kGuard;
    auto* sp = send_->as<uint8_t>();
    auto* rp = recv_->as<uint8_t>();
    // Poison, then place this rank's input.
    std::memset(rp, kSentinel, recv_span);
    if (l.pass_send) std::memset(sp, kSentinel, send_span);
    if (l.input_in_recv)
      ref.WriteInput(rp + off + l.input_at * elem);
    else if (l.pass_send)
      ref.WriteInput(sp + off);
    std::vector<uint8_t> send_before(sp, sp + (l.pass_send ? send_span : 0));
    std::vector<uint8_t> expected(rp, rp + recv_span);
    ref.WriteExpected(expected.data() + off);

    BufferView send = l.pass_send ? BufferView(*send_, off) : kInPlace;
    BufferView recv(*recv_, off);
    Outcome o = Attempt([&] { Call(c, ref, send, recv); });
    if (o.code != "OK") {
      PrintLine("FAILED rank=" + std::to_string(rank_) +
                " world=" + std::to_string(world_) + " case=" + c.Name() +
                " code=" + o.code + " message=" + o.message);
      return false;
    }
    if (verbose_) {
      PrintLine("ok " + c.Name() + " ms=" + std::to_string(o.ended_ms - o.started_ms));
    }
    return Compare(c, "recv", rp, expected, off, recv_bytes) &&
           (!l.pass_send || Compare(c, "send", sp, send_before, off, send_bytes));
  }

  uint32_t world_;
  uint32_t rank_;
  bool verbose_;
  uint64_t misalign_;
  SweepOptions options_;
  std::vector<SweepCase> cases_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<Group> group_;
  std::unique_ptr<HostBuffer> send_;
  std::unique_ptr<HostBuffer> recv_;
};

}  // namespace

int RunSweep(const Args& args) {
  SweepRunner runner(args);
  return runner.Run();
}

}  // namespace ccs::it
