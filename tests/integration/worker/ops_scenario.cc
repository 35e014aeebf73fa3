#include "worker/ops_scenario.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "ccs/ccs.h"
#include "worker/report.h"

namespace ccs::it {
namespace {

constexpr uint64_t kCount = 256;  // int32 elements per op
constexpr uint8_t kUntouched = 0xCD;

std::chrono::milliseconds Ms(uint64_t v) { return std::chrono::milliseconds(v); }

bool WaitForFile(const std::string& path, std::chrono::seconds timeout) {
  struct stat st {};
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (::stat(path.c_str(), &st) != 0) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(Ms(5));
  }
  return true;
}

// all_reduce(sum, int32) of op `i`: element e of rank r is r + i + e % 7.
void RunVerifiedOp(Group& group, HostBuffer& send, HostBuffer& recv, uint64_t i,
                   std::chrono::milliseconds timeout) {
  int32_t* in = send.as<int32_t>();
  for (uint64_t e = 0; e < kCount; ++e)
    in[e] = static_cast<int32_t>(group.rank() + i + e % 7);
  std::memset(recv.data(), kUntouched, kCount * sizeof(int32_t));
  CollectiveCall call;
  call.kind = CollectiveKind::kAllReduce;
  call.dtype = DataType::kInt32;
  call.op = ReduceOp::kSum;
  call.count = kCount;
  call.send = BufferView(send, 0);
  call.recv = BufferView(recv, 0);
  call.timeout = timeout;
  PrintLine("CALLING op" + std::to_string(i));
  Outcome o = Attempt([&] { group.Run(call); });
  const auto* out = recv.as<uint8_t>();
  bool untouched = true;
  for (uint64_t b = 0; b < kCount * sizeof(int32_t); ++b)
    untouched &= out[b] == kUntouched;
  const int64_t n = group.size();
  for (uint64_t e = 0; o.code == "OK" && e < kCount; ++e) {
    const int64_t want = n * (n - 1) / 2 + n * static_cast<int64_t>(i + e % 7);
    if (recv.as<int32_t>()[e] != want) {
      o.code = "MISMATCH";
      o.message = "element " + std::to_string(e) + " is " +
                  std::to_string(recv.as<int32_t>()[e]) + ", expected " +
                  std::to_string(want);
    }
  }
  PrintResult("op" + std::to_string(i), o, {{"recv_unchanged", untouched ? "1" : "0"}});
}

}  // namespace

int RunOps(const Args& args) {
  ClientOptions options;
  options.address = args.Str("addr");
  options.client_name = "ops-rank-" + args.Str("rank");
  auto client = Client::Connect(options);
  std::unique_ptr<Group> group;
  Outcome joined = Attempt([&] {
    group = client->JoinGroup(args.Str("group"), static_cast<uint32_t>(args.U64("world")),
                              static_cast<uint32_t>(args.U64("rank")), Ms(30000));
  });
  PrintResult("join", joined, {{"pid", std::to_string(::getpid())}});
  if (joined.code != "OK") return 0;
  auto send = client->CreateHostBuffer(kCount * sizeof(int32_t));
  auto recv = client->CreateHostBuffer(kCount * sizeof(int32_t));
  if (args.Has("go-file")) {
    PrintLine("WAITING");
    if (!WaitForFile(args.Str("go-file"), std::chrono::seconds(60))) return 1;
  }
  const uint64_t ops = args.U64("ops", 1);
  for (uint64_t i = 1; i <= ops; ++i) {
    RunVerifiedOp(*group, *send, *recv, i, Ms(args.U64("timeout-ms", 0)));
  }
  if (args.Has("hold")) {
    PrintLine("HOLDING pid=" + std::to_string(::getpid()));
    for (;;) ::pause();
  }
  return 0;
}

}  // namespace ccs::it
