#include "worker/scenarios.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "ccs/ccs.h"
#include "worker/call_spec.h"
#include "worker/dtype_codec.h"
#include "worker/report.h"

namespace ccs::it {
namespace {

std::unique_ptr<Client> ConnectTo(const std::string& address, const std::string& name) {
  ClientOptions co;
  co.address = address;
  co.client_name = name;
  return Client::Connect(co);
}

std::unique_ptr<Client> ConnectFromArgs(const Args& args, const std::string& name) {
  return ConnectTo(args.Str("addr"), name);
}

std::chrono::milliseconds Ms(uint64_t v) { return std::chrono::milliseconds(v); }

[[noreturn]] void HoldForever() {
  PrintLine("HOLDING pid=" + std::to_string(::getpid()));
  for (;;) ::pause();
}

// A verified all_reduce(sum, int32) of kCount elements: element i of rank r
// is r + 1 + i % 5. Returns code OK, an error code, or MISMATCH.
Outcome VerifiedAllReduce(Client& client, Group& group, uint64_t kCount = 1024) {
  auto buf = client.CreateHostBuffer(2 * kCount * sizeof(int32_t));
  auto* p = buf->as<int32_t>();
  for (uint64_t i = 0; i < kCount; ++i) {
    p[i] = static_cast<int32_t>(group.rank() + 1 + i % 5);
    p[kCount + i] = -1;
  }
  Outcome o = Attempt([&] {
    group.AllReduce(BufferView(*buf, 0), BufferView(*buf, kCount * sizeof(int32_t)),
                    kCount, DataType::kInt32, ReduceOp::kSum);
  });
  if (o.code != "OK") return o;
  const int64_t n = group.size();
  for (uint64_t i = 0; i < kCount; ++i) {
    int64_t want = n * (n + 1) / 2 + n * static_cast<int64_t>(i % 5);
    if (p[kCount + i] != want) {
      o.code = "MISMATCH";
      o.message = "index " + std::to_string(i) + " expected " + std::to_string(want) +
                  " got " + std::to_string(p[kCount + i]);
      break;
    }
  }
  return o;
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Waits up to 60 s for `path` to exist.
bool WaitForFile(const std::string& path) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!FileExists(path)) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(Ms(5));
  }
  return true;
}

}  // namespace

int RunPing(const Args& args) {
  auto deadline = std::chrono::steady_clock::now() + Ms(args.U64("timeout-ms", 10000));
  for (;;) {
    Outcome o = Attempt([&] { ConnectFromArgs(args, "ping"); });
    if (o.code == "OK") return 0;
    if (std::chrono::steady_clock::now() >= deadline) {
      PrintResult("ping", o);
      return 1;
    }
    std::this_thread::sleep_for(Ms(50));
  }
}

int RunJoin(const Args& args) {
  auto client = ConnectFromArgs(args, "join-rank-" + args.Str("rank"));
  std::unique_ptr<Group> group;
  Outcome o = Attempt([&] {
    group = client->JoinGroup(args.Str("group"), static_cast<uint32_t>(args.U64("world")),
                              static_cast<uint32_t>(args.U64("rank")),
                              Ms(args.U64("timeout-ms", 0)));
  });
  PrintResult("join", o,
              {{"pid", std::to_string(::getpid())},
               {"epoch", group ? std::to_string(group->epoch()) : "none"},
               {"group_id", group ? std::to_string(group->id()) : "none"}});
  if (o.code != "OK") return 0;
  if (args.Has("allreduce")) PrintResult("allreduce", VerifiedAllReduce(*client, *group));
  if (args.Has("leave-on-file")) {
    PrintLine("WAITING");
    if (!WaitForFile(args.Str("leave-on-file"))) return 1;
    PrintResult("leave", Attempt([&] { group->Leave(); }));
  }
  if (args.Has("hold")) HoldForever();
  return 0;
}

int RunCall(const Args& args) {
  auto client = ConnectFromArgs(args, "call-rank-" + args.Str("rank"));
  const uint32_t world = static_cast<uint32_t>(args.U64("world"));
  const uint32_t rank = static_cast<uint32_t>(args.U64("rank"));
  std::unique_ptr<Group> group;
  Outcome joined = Attempt([&] {
    group = client->JoinGroup(args.Str("group"), world, rank,
                              Ms(args.U64("join-timeout-ms", 30000)));
  });
  PrintResult("join", joined, {{"pid", std::to_string(::getpid())}});
  if (joined.code != "OK") return 0;

  CallSpec spec = ParseCallSpec(args);
  auto send = client->CreateHostBuffer(spec.buf_bytes);
  auto recv = client->CreateHostBuffer(spec.buf_bytes);
  for (size_t i = 0; i < spec.buf_bytes; ++i) {
    send->as<uint8_t>()[i] = static_cast<uint8_t>(i * 7 + rank);
    recv->as<uint8_t>()[i] = 0xCD;
  }
  std::vector<uint8_t> send_before(send->as<uint8_t>(),
                                   send->as<uint8_t>() + spec.buf_bytes);
  std::vector<uint8_t> recv_before(recv->as<uint8_t>(),
                                   recv->as<uint8_t>() + spec.buf_bytes);
  CollectiveCall call = ToCall(spec, *send, *recv);
  // --call-wait-file: call only once the driver says so.
  if (args.Has("call-wait-file")) {
    PrintLine("WAITING");
    if (!WaitForFile(args.Str("call-wait-file"))) return 1;
  }
  if (args.Has("announce")) PrintLine("CALLING t_ms=" + std::to_string(NowMs()));
  Outcome o = Attempt([&] { group->Run(call); });
  bool send_same = std::memcmp(send->data(), send_before.data(), spec.buf_bytes) == 0;
  bool recv_same = std::memcmp(recv->data(), recv_before.data(), spec.buf_bytes) == 0;
  PrintResult("op", o,
              {{"send_unchanged", send_same ? "1" : "0"},
               {"recv_unchanged", recv_same ? "1" : "0"},
               {"send_id", std::to_string(send->id())},
               {"recv_id", std::to_string(recv->id())},
               {"send_shm", send->shm_name()},
               {"recv_shm", recv->shm_name()}});
  if (args.Has("again")) PrintResult("again", Attempt([&] { group->Run(call); }));
  if (args.Has("recover-group")) {
    // --recover-wait-file: join only once the driver says so (it may want to
    // inspect the old group first). The old Group object stays alive.
    if (args.Has("recover-wait-file") && !WaitForFile(args.Str("recover-wait-file")))
      return 1;
    std::unique_ptr<Group> fresh;
    Outcome rj = Attempt([&] {
      fresh = client->JoinGroup(args.Str("recover-group"), world, rank, Ms(30000));
    });
    PrintResult("recover", rj.code == "OK" ? VerifiedAllReduce(*client, *fresh) : rj,
                {{"epoch", fresh ? std::to_string(fresh->epoch()) : "none"}});
  }
  if (args.Has("hold")) HoldForever();
  return 0;
}

int RunRestartProbe(const Args& args) {
  auto client = ConnectFromArgs(args, "restart-probe");
  PrintLine("CONNECTED session=" + std::to_string(client->session_id()));
  if (!WaitForFile(args.Str("go-file"))) return 1;
  // One attempt each: the daemon that issued this session is gone.
  std::unique_ptr<Group> group;
  std::unique_ptr<HostBuffer> buf;
  PrintResult("join",
              Attempt([&] { group = client->JoinGroup("probe", 1, 0, Ms(5000)); }));
  PrintResult("register", Attempt([&] { buf = client->CreateHostBuffer(4096); }));
  return 0;
}

int RunForeignBuffer(const Args& args) {
  auto owner = ConnectFromArgs(args, "buffer-owner");
  auto other = ConnectFromArgs(args, "buffer-thief");
  auto theirs = owner->CreateHostBuffer(4096);
  auto mine = other->CreateHostBuffer(4096);
  std::memset(theirs->data(), 0x11, 4096);
  std::memset(mine->data(), 0x22, 4096);
  auto group = other->JoinGroup("foreign-" + std::to_string(::getpid()), 1, 0, Ms(10000));
  const std::vector<std::pair<std::string, std::string>> ids = {
      {"foreign_id", std::to_string(theirs->id())},
      {"foreign_session", std::to_string(owner->session_id())},
      {"session", std::to_string(other->session_id())}};
  auto unchanged = [&] {
    const auto* p = theirs->as<uint8_t>();
    for (size_t i = 0; i < 4096; ++i) {
      if (p[i] != 0x11) return std::string("0");
    }
    return std::string("1");
  };
  Outcome as_recv = Attempt([&] {
    group->AllReduce(BufferView(*mine, 0), BufferView(*theirs, 0), 16, DataType::kFloat32,
                     ReduceOp::kSum);
  });
  auto extra = ids;
  extra.push_back({"foreign_unchanged", unchanged()});
  PrintResult("foreign_recv", as_recv, extra);
  Outcome as_send = Attempt([&] {
    group->AllReduce(BufferView(*theirs, 0), BufferView(*mine, 2048), 16,
                     DataType::kFloat32, ReduceOp::kSum);
  });
  PrintResult("foreign_send", as_send, ids);
  PrintResult("own", Attempt([&] {
                group->AllReduce(BufferView(*mine, 0), BufferView(*mine, 2048), 16,
                                 DataType::kFloat32, ReduceOp::kSum);
              }));
  return 0;
}

int RunUnknownBuffer(const Args& args) {
  auto here = ConnectFromArgs(args, "unknown-buffer");
  auto elsewhere = ConnectTo(args.Str("other-addr"), "unknown-buffer-elsewhere");
  auto own = here->CreateHostBuffer(4096);
  // A buffer registered with the other daemon: its id means nothing here.
  // Take one whose id differs from this session's buffer.
  std::vector<std::unique_ptr<HostBuffer>> foreign;
  foreign.push_back(elsewhere->CreateHostBuffer(4096));
  if (foreign.back()->id() == own->id())
    foreign.push_back(elsewhere->CreateHostBuffer(4096));
  const HostBuffer& stranger = *foreign.back();
  auto group =
      here->JoinGroup("unknown-buffer-" + std::to_string(::getpid()), 1, 0, Ms(10000));
  Outcome o = Attempt([&] {
    group->AllReduce(BufferView(*own, 0), BufferView(stranger, 0), 16, DataType::kFloat32,
                     ReduceOp::kSum);
  });
  PrintResult("unknown_buffer", o, {{"buffer_id", std::to_string(stranger.id())}});
  return 0;
}

int RunUnknownGroup(const Args& args) {
  auto client = ConnectFromArgs(args, "unknown-group");
  auto buf = client->CreateHostBuffer(4096);
  const std::string name = "left-" + std::to_string(::getpid());
  auto group = client->JoinGroup(name, 1, 0, Ms(10000));
  PrintResult("leave", Attempt([&] { group->Leave(); }));
  Outcome o = Attempt([&] {
    group->AllReduce(BufferView(*buf, 0), BufferView(*buf, 2048), 16, DataType::kFloat32,
                     ReduceOp::kSum);
  });
  PrintResult("after_leave", o, {{"group_id", std::to_string(group->id())}});
  return 0;
}

int RunCreateBuffers(const Args& args) {
  auto client = ConnectFromArgs(args, "create-buffers");
  std::vector<std::unique_ptr<HostBuffer>> keep;
  auto sizes = args.U64List("sizes");
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::unique_ptr<HostBuffer> b;
    Outcome o = Attempt([&] { b = client->CreateHostBuffer(sizes[i]); });
    PrintResult("buf" + std::to_string(i), o,
                {{"bytes", std::to_string(sizes[i])},
                 {"id", b ? std::to_string(b->id()) : "none"}});
    if (b) keep.push_back(std::move(b));
  }
  if (args.Has("hold")) HoldForever();
  return 0;
}

int RunRegisterShm(const Args& args) {
  auto client = ConnectFromArgs(args, "register-shm");
  std::unique_ptr<HostBuffer> b;
  Outcome o = Attempt(
      [&] { b = client->RegisterHostBuffer(args.Str("name"), args.U64("bytes")); });
  PrintResult("register", o, {{"id", b ? std::to_string(b->id()) : "none"}});
  return 0;
}

int RunMultiGroup(const Args& args) {
  auto client = ConnectFromArgs(args, "multi-group-" + args.Str("rank"));
  const uint32_t world = static_cast<uint32_t>(args.U64("world"));
  const uint32_t rank = static_cast<uint32_t>(args.U64("rank"));
  const uint64_t groups = args.U64("groups"), iters = args.U64("iters", 50);
  std::vector<std::unique_ptr<Group>> members;
  for (uint64_t g = 0; g < groups; ++g) {  // same order on every rank
    members.push_back(client->JoinGroup(args.Str("group") + "-" + std::to_string(g),
                                        world, rank, Ms(30000)));
  }
  // One thread per group, all on this one session at once.
  std::vector<Outcome> outcomes(groups);
  std::vector<std::thread> threads;
  for (uint64_t g = 0; g < groups; ++g) {
    threads.emplace_back([&, g] {
      for (uint64_t it = 0; it < iters; ++it) {
        Outcome o =
            VerifiedAllReduce(*client, *members[g], 1 + (it * 131 + g * 17) % 5000);
        if (o.code != "OK") {
          o.message = "group " + std::to_string(g) + " iteration " + std::to_string(it) +
                      ": " + o.message;
          outcomes[g] = o;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  int failed = 0;
  for (uint64_t g = 0; g < groups; ++g) {
    PrintResult("group" + std::to_string(g), outcomes[g]);
    failed += outcomes[g].code != "OK";
  }
  for (auto& m : members) m->Barrier();  // nobody leaves while others still run
  return failed == 0 ? 0 : 1;
}

int RunShrinkAfterRegister(const Args& args) {
  // A segment this process owns, registered, then shrunk to nothing behind
  // the daemon's back: the daemon's mapping now faults past the end of file.
  auto client = ConnectFromArgs(args, "shrinker");
  const std::string name = "/ccs-" + std::to_string(::getpid()) + "-shrink";
  const size_t bytes = 1 << 20;
  int fd = ::shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  if (fd < 0 || ::ftruncate(fd, bytes) != 0) {
    PrintLine("cannot create " + name + ": " + std::strerror(errno));
    return 1;
  }
  auto buf = client->RegisterHostBuffer(name, bytes);
  auto group = client->JoinGroup("shrink-" + std::to_string(::getpid()), 1, 0, Ms(10000));
  PrintResult("before", Attempt([&] {
                group->AllReduce(BufferView(*buf, 0), BufferView(*buf, bytes / 2), 1024,
                                 DataType::kFloat32, ReduceOp::kSum);
              }));
  if (::ftruncate(fd, 0) != 0) return 1;
  // Whatever the daemon answers, it must answer (and keep running).
  PrintResult("after_shrink", Attempt([&] {
                group->AllReduce(BufferView(*buf, 0), BufferView(*buf, bytes / 2),
                                 bytes / 8, DataType::kFloat32, ReduceOp::kSum);
              }));
  ::close(fd);
  ::shm_unlink(name.c_str());
  return 0;
}

int RunJoinMany(const Args& args) {
  auto client = ConnectFromArgs(args, "join-many");
  std::vector<std::unique_ptr<Group>> keep;
  const uint64_t n = args.U64("groups");
  for (uint64_t i = 0; i < n; ++i) {
    std::unique_ptr<Group> g;
    Outcome o = Attempt([&] {
      g = client->JoinGroup(
          "many-" + std::to_string(::getpid()) + "-" + std::to_string(i), 1, 0,
          Ms(10000));
    });
    PrintResult("join" + std::to_string(i), o);
    if (g) keep.push_back(std::move(g));
  }
  return 0;
}

int RunSelfTest(const Args&) {
  std::string report = CodecSelfTest();
  if (!report.empty()) {
    PrintLine("SELFTEST FAILED\n" + report);
    return 1;
  }
  PrintLine("SELFTEST OK");
  return 0;
}

}  // namespace ccs::it
