#include "client/bench/rank_main.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccs/ccs.h"
#include "client/bench/daemon_spread.h"
#include "client/bench/device_memory.h"
#include "client/bench/device_report.h"
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
  const Baselines& baselines;
  uint32_t rank;
  std::unique_ptr<Client> client;
  // --memory host: send and recv; --memory device: dsend and drecv.
  std::unique_ptr<HostBuffer> send;
  std::unique_ptr<HostBuffer> recv;
  std::unique_ptr<DeviceMemory> dsend;
  std::unique_ptr<DeviceMemory> drecv;
  // [0] time (max), [1] wrong (sum) in; [2], [3] the reduced values out.
  std::unique_ptr<HostBuffer> stats;
  std::unique_ptr<Group> group;
};

// One line about the daemon at `address`; `fallback` when its version cannot
// be asked.
std::string DescribeDaemon(const std::string& address, const std::string& fallback) {
  try {
    InspectorOptions options{address, std::chrono::milliseconds(5000)};
    VersionInfo v = Inspector::Connect(options)->GetVersion();
    std::string engines;
    for (const auto& e : v.engines) engines += (engines.empty() ? "" : ",") + e;
    return v.version + " (" + v.git_commit + "), pid " + std::to_string(v.pid) +
           ", engines: " + (engines.empty() ? "-" : engines);
  } catch (const Error& e) {
    return fallback.empty() ? "version unknown: " + std::string(e.what()) : fallback;
  }
}

// One description per address. Rank 0 is in the first block: its own
// daemon falls back to what its session announced.
std::vector<std::string> DescribeDaemons(const Rank& r) {
  std::vector<std::string> out{
      DescribeDaemon(r.client->address(), r.client->daemon_version())};
  for (size_t d = 1; d < r.options.addresses.size(); ++d) {
    out.push_back(DescribeDaemon(r.options.addresses[d], ""));
  }
  return out;
}

CollectiveCall MakeCall(const Rank& r, const CheckSpec& spec) {
  CollectiveCall call;
  call.kind = spec.kind;
  call.dtype = spec.dtype;
  call.op = spec.op;
  call.count = spec.layout.count;
  call.root = spec.root;
  call.send = r.dsend ? BufferView(r.dsend->buffer()) : BufferView(*r.send);
  call.recv = r.drecv ? BufferView(r.drecv->buffer()) : BufferView(*r.recv);
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

// Device mode: the calls may return once the daemon enqueued them; their
// results are ordered on this process's default stream.
void WaitIfDevice(const Rank& r) {
  if (r.dsend) WaitForDevice();
}

// --check: fills send, runs `call` once on a recv poisoned with NaN / -1
// patterns that no expected value has, and counts the wrong elements.
uint64_t CheckOnce(Rank& r, const CheckSpec& spec, const CollectiveCall& call) {
  if (!r.dsend) {
    std::memset(r.recv->data(), 0xff, r.recv->size());
    r.group->Run(call);
    return CountWrong(spec, r.recv->data());
  }
  r.drecv->Fill(0xff);
  r.group->Run(call);
  WaitForDevice();
  std::vector<uint8_t> host(r.drecv->size());
  r.drecv->Download(host.data(), host.size());
  return CountWrong(spec, host.data());
}

void FillSendOf(Rank& r, const CheckSpec& spec) {
  if (!r.dsend) return FillSend(spec, r.send->data());
  std::vector<uint8_t> host(r.dsend->size());
  FillSend(spec, host.data());
  r.dsend->Upload(host.data(), host.size());
}

// Runs one size; returns the row rank 0 prints.
ResultRow MeasureSize(Rank& r, const CheckSpec& spec) {
  const BenchOptions& o = r.options;
  if (o.check) FillSendOf(r, spec);
  const CollectiveCall call = MakeCall(r, spec);
  for (int i = 0; i < o.warmup_iters; ++i) r.group->Run(call);
  WaitIfDevice(r);
  r.group->Barrier();
  const auto start = Clock::now();
  for (int i = 0; i < o.iters; ++i) r.group->Run(call);
  WaitIfDevice(r);
  const double time_us =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
      std::max(o.iters, 1);
  const uint64_t wrong = o.check ? CheckOnce(r, spec, call) : 0;
  const auto [max_time_us, total_wrong] = Aggregate(r, time_us, wrong);
  std::optional<ReduceOp> op;
  if (IsReduction(spec.kind)) op = spec.op;
  return MakeRow(spec.kind, spec.layout, spec.dtype, op, o.ranks, max_time_us,
                 o.check ? std::optional<uint64_t>(total_wrong) : std::nullopt);
}

// Rank 0's lines for one size: the ccs row, or with a Gloo row of the same
// size that row first and ccs/gloo on the ccs row.
std::string FormatSizeRows(const Rank& r, CollectiveKind kind, const ResultRow& row,
                           const ResultRow* gloo) {
  if (r.options.memory == MemoryKind::kDevice && r.baselines.device) {
    return FormatDeviceRow(kind, row, *r.baselines.device);
  }
  if (gloo == nullptr) return FormatRow(row);
  std::optional<double> ratio;
  if (gloo->time_us > 0) ratio = row.time_us / gloo->time_us;
  return FormatRow(*gloo, "gloo") + FormatRow(row, "ccs", ratio);
}

// Runs the sweep of one collective; returns the wrong elements seen.
// `gloo`: the baseline's rows of this collective (one per layout), or null.
uint64_t RunCollective(Rank& r, CollectiveKind kind, const std::vector<ResultRow>* gloo) {
  const std::vector<Layout> layouts = BenchLayouts(r.options, kind);
  if (gloo != nullptr && gloo->size() != layouts.size()) gloo = nullptr;  // not paired
  if (r.rank == 0) {
    std::fputs((r.options.memory == MemoryKind::kDevice
                    ? FormatDeviceTableHeader(kind)
                    : FormatTableHeader(kind, gloo != nullptr))
                   .c_str(),
               stdout);
  }
  std::vector<ResultRow> rows;
  for (size_t i = 0; i < layouts.size(); ++i) {
    CheckSpec spec{kind,   r.options.op,   r.options.dtype, r.options.ranks,
                   r.rank, r.options.root, layouts[i]};
    rows.push_back(MeasureSize(r, spec));
    if (r.rank == 0) {
      std::fputs(
          FormatSizeRows(r, kind, rows.back(), gloo ? &(*gloo)[i] : nullptr).c_str(),
          stdout);
      std::fflush(stdout);
    }
  }
  if (r.rank == 0) {
    std::string footer = FormatFooter(kind, rows);
    if (gloo != nullptr) {
      footer += FormatFooter(kind, *gloo, "gloo") + FormatRatioSummary(kind, rows, *gloo);
    }
    std::fputs(footer.c_str(), stdout);
    std::fflush(stdout);
  }
  uint64_t wrong = 0;
  for (const ResultRow& row : rows) wrong += row.wrong.value_or(0);
  return wrong;
}

}  // namespace

int RunRank(const BenchOptions& options, uint32_t rank, const Baselines& baselines) {
  ClientOptions client_options;
  client_options.address =
      options.addresses[DaemonOfRank(options.addresses.size(), options.ranks, rank)];
  client_options.client_name = "ccs-bench rank " + std::to_string(rank);
  Rank r{options, baselines, rank,    Client::Connect(client_options),
         nullptr, nullptr,   nullptr, nullptr,
         nullptr, nullptr};
  const auto [send_bytes, recv_bytes] = BenchBufferBytes(options);
  if (options.memory == MemoryKind::kDevice) {
    r.dsend = DeviceMemory::Create(*r.client, send_bytes);
    r.drecv = DeviceMemory::Create(*r.client, recv_bytes);
  } else {
    r.send = r.client->CreateHostBuffer(send_bytes);
    r.recv = r.client->CreateHostBuffer(recv_bytes);
  }
  r.stats = r.client->CreateHostBuffer(4 * sizeof(double));
  r.group = r.client->JoinGroup(options.group, options.ranks, rank);
  if (rank == 0) {
    std::fputs(FormatHeader(options, DescribeDaemons(r), baselines).c_str(), stdout);
  }
  uint64_t wrong = 0;
  for (CollectiveKind kind : options.collectives) {
    auto gloo = baselines.gloo.find(kind);
    wrong +=
        RunCollective(r, kind, gloo == baselines.gloo.end() ? nullptr : &gloo->second);
  }
  r.group.reset();  // leave before the buffers go
  return wrong == 0 ? kExitOk : kExitWrongResults;
}

}  // namespace ccs::bench
