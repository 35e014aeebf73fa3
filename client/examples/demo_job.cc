// ccs-demo-job: one rank of the quickstart's demo job.
//
// Runs all_reduce, all_gather, reduce_scatter and broadcast on shared memory
// through the local ccsd, checks every result against values computed here,
// and prints one line per collective. With --ready-file, rank 0 creates that
// file once every rank has finished (so a script can inspect the live group)
// and all ranks keep the group for --linger-ms before leaving.
//
//   ccs-demo-job --addr unix:///tmp/ccs/ccs.sock --world 4 --rank 0
#include <ccs/ccs.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

namespace {

struct Args {
  std::string addr = ccs::DefaultAddress();
  std::string group = "demo";
  uint32_t world = 4;
  uint32_t rank = 0;
  uint64_t count = 1 << 20;
  std::string ready_file;
  int linger_ms = 0;
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--addr") a.addr = v;
    else if (k == "--group") a.group = v;
    else if (k == "--world") a.world = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--rank") a.rank = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--count") a.count = std::stoull(v);
    else if (k == "--ready-file") a.ready_file = v;
    else if (k == "--linger-ms") a.linger_ms = std::stoi(v);
    else { std::fprintf(stderr, "unknown option %s\n", k.c_str()); std::exit(2); }
  }
  return a;
}

// Value rank `r` contributes at index `i`: small integers, exact in float.
float Input(uint32_t r, uint64_t i) { return static_cast<float>((r + 1) * 10 + i % 7); }

// Counts mismatches between `got` and `want(i)` over n elements.
template <typename F>
uint64_t Wrong(const float* got, uint64_t n, F want) {
  uint64_t wrong = 0;
  for (uint64_t i = 0; i < n; ++i) wrong += got[i] != want(i) ? 1 : 0;
  return wrong;
}

void Report(uint32_t rank, const char* what, uint64_t wrong, uint64_t n) {
  std::printf("rank %u: %-15s %8llu floats  %s\n", rank, what,
              static_cast<unsigned long long>(n), wrong == 0 ? "verified" : "WRONG");
  if (wrong != 0) std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = Parse(argc, argv);
  const uint64_t n = a.count, w = a.world, me = a.rank;
  try {
    auto client = ccs::Client::Connect({.address = a.addr, .client_name = "demo-job"});
    auto send = client->CreateHostBuffer(n * w * sizeof(float));
    auto recv = client->CreateHostBuffer(n * w * sizeof(float));
    auto group = client->JoinGroup(a.group, a.world, a.rank);
    float* in = send->as<float>();
    float* out = recv->as<float>();

    for (uint64_t i = 0; i < n; ++i) in[i] = Input(a.rank, i);
    group->AllReduce(*send, *recv, n, ccs::DataType::kFloat32, ccs::ReduceOp::kSum);
    Report(a.rank, "all_reduce", Wrong(out, n, [&](uint64_t i) {
      float s = 0;
      for (uint32_t r = 0; r < w; ++r) s += Input(r, i);
      return s;
    }), n);

    group->AllGather(*send, *recv, n, ccs::DataType::kFloat32);
    Report(a.rank, "all_gather", Wrong(out, n * w, [&](uint64_t i) {
      return Input(static_cast<uint32_t>(i / n), i % n);
    }), n * w);

    for (uint64_t i = 0; i < n * w; ++i) in[i] = Input(a.rank, i);
    group->ReduceScatter(*send, *recv, n, ccs::DataType::kFloat32, ccs::ReduceOp::kMax);
    Report(a.rank, "reduce_scatter", Wrong(out, n, [&](uint64_t i) {
      return Input(a.world - 1, me * n + i);
    }), n);

    for (uint64_t i = 0; i < n; ++i) in[i] = Input(a.rank, i);
    group->Broadcast(*send, *recv, n, ccs::DataType::kFloat32, /*root=*/0);
    Report(a.rank, "broadcast", Wrong(out, n, [&](uint64_t i) { return Input(0, i); }), n);

    group->Barrier();
    if (!a.ready_file.empty() && a.rank == 0) std::ofstream(a.ready_file) << "ready\n";
    std::this_thread::sleep_for(std::chrono::milliseconds(a.linger_ms));
    group->Barrier();
  } catch (const ccs::Error& e) {
    std::fprintf(stderr, "rank %u: %s\n", a.rank, e.what());
    return 1;
  }
  return 0;
}
