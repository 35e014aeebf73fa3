#include "client/bench/rank_main.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "ccs/ccs.h"
#include "client/bench/fill_check.h"
#include "client/bench/launcher.h"
#include "client/bench/layout.h"
#include "client/bench/report.h"

namespace ccs::bench {
namespace {

using Clock = std::chrono::steady_clock;

// What a rank holds for the whole run.
struct Rank {
  const BenchOptions& options;
  uint32_t rank;
  std::unique_ptr<Client> client;
  std::unique_ptr<HostBuffer> send;
  std::unique_ptr<HostBuffer> recv;
  // [0] time (max), [1] wrong (sum) in; [2], [3] the reduced values out.
  std::unique_ptr<HostBuffer> stats;
  std::unique_ptr<Group> group;
};

std::vector<Layout> LayoutsOf(const BenchOptions& options, CollectiveKind kind) {
  return SweepLayouts(
      kind, SweepSizes(options.min_bytes, options.max_bytes, options.step_factor),
      DataTypeSize(options.dtype), options.ranks);
}

// Bytes the send and recv buffers need for every collective and size.
std::pair<uint64_t, uint64_t> BufferBytes(const BenchOptions& options) {
  uint64_t send = 1, recv = 1;
  const size_t elem = DataTypeSize(options.dtype);
  for (CollectiveKind kind : options.collectives) {
    for (const Layout& l : LayoutsOf(options, kind)) {
      send = std::max(send, l.send_elems * elem);
      recv = std::max(recv, l.recv_elems * elem);
    }
  }
  return {send, recv};
}

std::string DescribeDaemon(const Rank& r) {
  try {
    InspectorOptions options{r.client->address(), std::chrono::milliseconds(5000)};
    VersionInfo v = Inspector::Connect(options)->GetVersion();
    std::string engines;
    for (const auto& e : v.engines) engines += (engines.empty() ? "" : ",") + e;
    return v.version + " (" + v.git_commit + "), pid " + std::to_string(v.pid) +
           ", engines: " + (engines.empty() ? "-" : engines);
  } catch (const Error&) {
    return r.client->daemon_version();  // what the session announced
  }
}

CollectiveCall MakeCall(const Rank& r, const CheckSpec& spec) {
  CollectiveCall call;
  call.kind = spec.kind;
  call.dtype = spec.dtype;
  call.op = spec.op;
  call.count = spec.layout.count;
  call.root = spec.root;
  call.send = BufferView(*r.send);
  call.recv = BufferView(*r.recv);
  return call;
}

// The slowest rank's time and the total of wrong elements over all ranks.
std::pair<double, uint64_t> Aggregate(Rank& r, double time_us, uint64_t wrong) {
  double* stats = r.stats->as<double>();
  stats[0] = time_us;
  stats[1] = static_cast<double>(wrong);
  r.group->AllReduce(BufferView(*r.stats, 0), BufferView(*r.stats, 2 * sizeof(double)), 1,
                     DataType::kFloat64, ReduceOp::kMax);
  r.group->AllReduce(BufferView(*r.stats, sizeof(double)),
                     BufferView(*r.stats, 3 * sizeof(double)), 1, DataType::kFloat64,
                     ReduceOp::kSum);
  return {stats[2], static_cast<uint64_t>(stats[3])};
}

// Runs one size; returns the row rank 0 prints.
ResultRow MeasureSize(Rank& r, const CheckSpec& spec) {
  const BenchOptions& o = r.options;
  if (o.check) FillSend(spec, r.send->data());
  const CollectiveCall call = MakeCall(r, spec);
  for (int i = 0; i < o.warmup_iters; ++i) r.group->Run(call);
  r.group->Barrier();
  const auto start = Clock::now();
  for (int i = 0; i < o.iters; ++i) r.group->Run(call);
  const double time_us =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
      std::max(o.iters, 1);
  uint64_t wrong = 0;
  if (o.check) {
    // A fresh result: recv holds NaN / -1 patterns that no expected value has.
    std::memset(r.recv->data(), 0xff, r.recv->size());
    r.group->Run(call);
    wrong = CountWrong(spec, r.recv->data());
  }
  const auto [max_time_us, total_wrong] = Aggregate(r, time_us, wrong);
  std::optional<ReduceOp> op;
  if (IsReduction(spec.kind)) op = spec.op;
  return MakeRow(spec.kind, spec.layout, spec.dtype, op, o.ranks, max_time_us,
                 o.check ? std::optional<uint64_t>(total_wrong) : std::nullopt);
}

// Runs the sweep of one collective; returns the wrong elements seen.
uint64_t RunCollective(Rank& r, CollectiveKind kind) {
  if (r.rank == 0) std::fputs(FormatTableHeader(kind).c_str(), stdout);
  uint64_t wrong = 0;
  double busbw_sum = 0;
  const std::vector<Layout> layouts = LayoutsOf(r.options, kind);
  for (const Layout& layout : layouts) {
    CheckSpec spec{kind,   r.options.op,   r.options.dtype, r.options.ranks,
                   r.rank, r.options.root, layout};
    const ResultRow row = MeasureSize(r, spec);
    wrong += row.wrong.value_or(0);
    busbw_sum += row.busbw_gbps;
    if (r.rank == 0) {
      std::fputs(FormatRow(row).c_str(), stdout);
      std::fflush(stdout);
    }
  }
  if (r.rank == 0) {
    std::printf("# %s: out of bounds values: %llu %s, avg bus bandwidth: %.3f GB/s\n",
                std::string(CollectiveName(kind)).c_str(),
                static_cast<unsigned long long>(wrong), wrong == 0 ? "OK" : "FAILED",
                layouts.empty() ? 0.0 : busbw_sum / static_cast<double>(layouts.size()));
    std::fflush(stdout);
  }
  return wrong;
}

}  // namespace

int RunRank(const BenchOptions& options, uint32_t rank,
            const std::optional<MemcpyBandwidth>& baseline) {
  ClientOptions client_options;
  client_options.address = options.address;
  client_options.client_name = "ccs-bench rank " + std::to_string(rank);
  Rank r{options, rank,   Client::Connect(client_options), nullptr, nullptr,
         nullptr, nullptr};
  const auto [send_bytes, recv_bytes] = BufferBytes(options);
  r.send = r.client->CreateHostBuffer(send_bytes);
  r.recv = r.client->CreateHostBuffer(recv_bytes);
  r.stats = r.client->CreateHostBuffer(4 * sizeof(double));
  r.group = r.client->JoinGroup(options.group, options.ranks, rank);
  if (rank == 0) {
    std::fputs(FormatHeader(options, DescribeDaemon(r), baseline).c_str(), stdout);
  }
  uint64_t wrong = 0;
  for (CollectiveKind kind : options.collectives) wrong += RunCollective(r, kind);
  r.group.reset();  // leave before the buffers go
  return wrong == 0 ? kExitOk : kExitWrongResults;
}

}  // namespace ccs::bench
