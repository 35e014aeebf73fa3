#include "tests/gpu/collectives/rank.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <vector>

#include "ccs/ccs.h"
#include "tests/gpu/collectives/call.h"
#include "tests/gpu/collectives/cases.h"
#include "tests/gpu/collectives/compare.h"
#include "tests/gpu/collectives/device.h"
#include "tests/gpu/collectives/reference.h"
#include "worker/collective_reference.h"

namespace ccs::gputest {
namespace {

constexpr uint64_t kGuard = 256;   // poisoned bytes around every view
constexpr uint64_t kMaxShift = 2;  // views start 0..2 elements past the guard
constexpr int kMaxConsecutiveErrors = 3;

void Print(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

uint64_t ViewOffset(const Case& c) {
  return kGuard + (c.id % (kMaxShift + 1)) * DataTypeSize(c.dtype);
}

std::vector<uint8_t> Poisoned(uint64_t bytes) {
  std::vector<uint8_t> v(bytes);
  for (uint64_t i = 0; i < bytes; ++i) v[i] = PoisonByte(i);
  return v;
}

uint64_t Hash(const uint8_t* p, uint64_t n) {
  uint64_t h = 1469598103934665603ull;
  for (uint64_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return it::Mix(h);
}

class RankRunner {
 public:
  explicit RankRunner(const RankArgs& a) : args_(a), cases_(BuildCases(a.world)) {
    uint64_t send_max = 0, recv_max = 0;
    for (const Case& c : cases_) {
      Reference ref(c, a.world, a.rank, a.seed);
      const size_t e = DataTypeSize(c.dtype);
      send_max = std::max(send_max, ref.layout().send_elems * e);
      recv_max = std::max(recv_max, ref.layout().recv_elems * e);
    }
    const uint64_t pad = kGuard + kMaxShift * 8 + kGuard;
    send_mem_ = std::make_unique<DeviceRegion>(send_max + pad);
    recv_mem_ = std::make_unique<DeviceRegion>(recv_max + pad);
    ClientOptions co;
    co.address = a.address;
    co.client_name = "ccs-gpu-collectives rank " + std::to_string(a.rank);
    co.connect_timeout = std::chrono::seconds(10);
    client_ = Client::Connect(co);
    send_ = client_->RegisterDeviceBuffer(send_mem_->data(), send_mem_->size());
    recv_ = client_->RegisterDeviceBuffer(recv_mem_->data(), recv_mem_->size());
    group_ = client_->JoinGroup(a.group, a.world, a.rank, std::chrono::seconds(60));
  }

  ~RankRunner() {
    group_.reset();  // leave, then unregister, then free the memory
    send_.reset();
    recv_.reset();
    client_.reset();
  }

  int Run() {
    const auto start = std::chrono::steady_clock::now();
    size_t failed = 0, run = 0;
    int consecutive_errors = 0;
    for (const Case& c : cases_) {
      if (consecutive_errors >= kMaxConsecutiveErrors) break;
      ++run;
      const Result r = RunCase(c);
      if (r != Result::kPassed) ++failed;
      consecutive_errors = r == Result::kError ? consecutive_errors + 1 : 0;
    }
    if (consecutive_errors < kMaxConsecutiveErrors) {
      // Leaving early would break the group for ranks still in their last op.
      if (!Attempt(Case{}, [&] { group_->Barrier(); })) ++failed;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    Print(
        "DONE rank=" + std::to_string(args_.rank) +
        " cases=" + std::to_string(cases_.size()) + " failed=" + std::to_string(failed) +
        " not_run=" + std::to_string(cases_.size() - run) + " ms=" + std::to_string(ms));
    return failed == 0 && run == cases_.size() ? 0 : 1;
  }

 private:
  enum class Result { kPassed, kFailed, kError };

  std::string Prefix(const Case& c) const {
    return Name(c) + " rank=" + std::to_string(args_.rank);
  }

  // Runs fn; prints an ERROR line and returns false if it throws.
  template <typename Fn>
  bool Attempt(const Case& c, Fn&& fn) {
    try {
      fn();
      return true;
    } catch (const Error& e) {
      Print("ERROR " + Prefix(c) + " code=" + std::string(CodeName(e.code())) +
            " message=" + e.message());
    } catch (const std::exception& e) {
      Print("ERROR " + Prefix(c) + " code=EXCEPTION message=" + e.what());
    }
    return false;
  }

  bool Check(const Case& c, const char* buffer, const RegionShape& shape,
             const std::vector<uint8_t>& expected, const std::vector<uint8_t>& got) {
    auto m = Compare(shape, expected, got);
    if (!m) return true;
    Print("FAIL " + Prefix(c) + " buffer=" + buffer + " at=" + m->where + " bad=" +
          std::to_string(m->bad_slots) + " expected=" + m->expected + " got=" + m->got);
    return false;
  }

  // Every rank's hash of its all_reduce result must be the same. Called by
  // every rank for every all_reduce case, also after an error (payload
  // "error"), so that the object calls of the ranks stay paired.
  bool SameBitsOnEveryRank(const Case& c, const std::vector<uint8_t>* got, uint64_t off,
                           uint64_t bytes) {
    const std::string mine =
        got == nullptr ? "error" : std::to_string(Hash(got->data() + off, bytes));
    std::vector<std::string> all;
    if (!Attempt(
            c, [&] { all = group_->AllGatherObject(mine, std::chrono::seconds(30)); })) {
      return false;
    }
    std::set<std::string> distinct(all.begin(), all.end());
    if (distinct.count("error") != 0 || distinct.size() <= 1) return true;
    std::string list;
    for (const auto& s : all) list += (list.empty() ? "" : ",") + s;
    Print("FAIL " + Prefix(c) +
          " buffer=recv at=all_ranks bad=1 expected=identical "
          "bits on every rank got=hashes " +
          list);
    return false;
  }

  Result RunCase(const Case& c) {
    const Reference ref(c, args_.world, args_.rank, args_.seed);
    const Layout& l = ref.layout();
    const size_t e = DataTypeSize(c.dtype);
    const uint64_t off = ViewOffset(c);
    const RegionShape send_shape{c.dtype, off, l.send_elems * e};
    const RegionShape recv_shape{c.dtype, off, l.recv_elems * e};
    std::vector<uint8_t> recv_img = Poisoned(off + recv_shape.view_bytes + kGuard);
    std::vector<uint8_t> send_img =
        Poisoned(l.pass_send ? off + send_shape.view_bytes + kGuard : 0);
    if (l.input_in_recv) {
      ref.WriteInput(recv_img.data() + off + l.input_at * e);
    } else if (l.pass_send) {
      ref.WriteInput(send_img.data() + off);
    }
    std::vector<uint8_t> expected = recv_img;
    ref.WriteExpected(expected.data() + off);
    std::vector<uint8_t> recv_got(recv_img.size()), send_got(send_img.size());
    const bool ran = Attempt(c, [&] {
      recv_mem_->Upload(0, recv_img.data(), recv_img.size());
      if (l.pass_send) send_mem_->Upload(0, send_img.data(), send_img.size());
      IssueCall(*group_, c, ref, l.pass_send ? BufferView(*send_, off) : kInPlace,
                BufferView(*recv_, off));
      WaitForDevice();
      recv_mem_->Download(0, recv_got.data(), recv_got.size());
      if (l.pass_send) send_mem_->Download(0, send_got.data(), send_got.size());
    });
    bool ok = true;
    if (c.kind == CollectiveKind::kAllReduce) {
      ok = SameBitsOnEveryRank(c, ran ? &recv_got : nullptr, off, recv_shape.view_bytes);
    }
    if (!ran) return Result::kError;
    ok = Check(c, "recv", recv_shape, expected, recv_got) && ok;
    if (l.pass_send) ok = Check(c, "send", send_shape, send_img, send_got) && ok;
    return ok ? Result::kPassed : Result::kFailed;
  }

  RankArgs args_;
  std::vector<Case> cases_;
  // Declared so that destruction runs group, buffers, client, memory.
  std::unique_ptr<DeviceRegion> send_mem_, recv_mem_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<DeviceBuffer> send_, recv_;
  std::unique_ptr<Group> group_;
};

}  // namespace

int RunRank(const RankArgs& args) {
  if (std::string why = NoDeviceReason(); !why.empty()) {
    Print("SKIPPED: " + why);
    return 77;
  }
  try {
    RankRunner runner(args);
    return runner.Run();
  } catch (const std::exception& e) {
    Print("ERROR setup rank=" + std::to_string(args.rank) + " message=" + e.what());
    return 1;
  }
}

}  // namespace ccs::gputest
