#include "client/bench/gloo_rank.h"

#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/common/error.h>
#include <gloo/common/logging.h>
#include <gloo/math.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/file_store.h>
#include <gloo/transport/tcp/device.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "client/bench/fill_check.h"
#include "client/bench/gloo_baseline.h"
#include "client/bench/launcher.h"
#include "client/bench/layout.h"

namespace ccs::bench {
namespace {

using Clock = std::chrono::steady_clock;
using ReduceFn = void (*)(void*, const void*, const void*, size_t);

// What a rank holds for the whole run.
struct GlooRank {
  const BenchOptions& options;
  uint32_t rank;
  std::shared_ptr<::gloo::Context> context;
  std::vector<uint64_t> send;  // uint64_t: aligned for every element type
  std::vector<uint64_t> recv;
  std::string phase;  // what runs now, for the error message
};

// Calls f(std::type_identity<T>{}) with the C++ type Gloo reduces `dtype` as.
// GlooUnsupported rules out the rest.
template <typename F>
void WithGlooType(DataType dtype, F&& f) {
  switch (dtype) {
    case DataType::kInt8:
      return f(std::type_identity<int8_t>{});
    case DataType::kUint8:
      return f(std::type_identity<uint8_t>{});
    case DataType::kInt32:
      return f(std::type_identity<int32_t>{});
    case DataType::kInt64:
      return f(std::type_identity<int64_t>{});
    case DataType::kUint32:
      return f(std::type_identity<uint32_t>{});
    case DataType::kUint64:
      return f(std::type_identity<uint64_t>{});
    case DataType::kFloat16:
      return f(std::type_identity<::gloo::float16>{});
    case DataType::kFloat32:
      return f(std::type_identity<float>{});
    case DataType::kFloat64:
      return f(std::type_identity<double>{});
    default:
      throw std::logic_error("no Gloo type for " + std::string(DataTypeName(dtype)));
  }
}

template <typename T>
ReduceFn ReduceFunction(ReduceOp op) {
  ReduceFn sum = &::gloo::sum<T>, prod = &::gloo::product<T>, min = &::gloo::min<T>,
           max = &::gloo::max<T>;
  switch (op) {
    case ReduceOp::kSum:
      return sum;
    case ReduceOp::kProd:
      return prod;
    case ReduceOp::kMin:
      return min;
    case ReduceOp::kMax:
      return max;
    default:
      throw std::logic_error("no Gloo reduction for " + std::string(ReduceOpName(op)));
  }
}

void Connect(GlooRank& g, const std::string& store_dir) {
  ::gloo::transport::tcp::attr attr;
  attr.hostname = "127.0.0.1";
  auto device = ::gloo::transport::tcp::CreateDevice(attr);
  ::gloo::rendezvous::FileStore store(store_dir);
  auto context = std::make_shared<::gloo::rendezvous::Context>(
      static_cast<int>(g.rank), static_cast<int>(g.options.ranks));
  context->setTimeout(g.options.deadline);
  context->connectFullMesh(store, device);
  g.context = std::move(context);
}

// One call of spec's collective, send -> recv, as a Gloo user writes it
// (options and unbound buffers made per call).
void RunCall(GlooRank& g, const CheckSpec& spec) {
  auto* send = reinterpret_cast<uint8_t*>(g.send.data());
  auto* recv = reinterpret_cast<uint8_t*>(g.recv.data());
  const size_t elem = DataTypeSize(spec.dtype);
  switch (spec.kind) {
    case CollectiveKind::kAllReduce:
      return WithGlooType(spec.dtype, [&](auto type) {
        using T = typename decltype(type)::type;
        ::gloo::AllreduceOptions opts(g.context);
        opts.setInput(reinterpret_cast<T*>(send), spec.layout.count);
        opts.setOutput(reinterpret_cast<T*>(recv), spec.layout.count);
        opts.setReduceFunction(ReduceFunction<T>(spec.op));
        ::gloo::allreduce(opts);
      });
    case CollectiveKind::kAllGather: {
      ::gloo::AllgatherOptions opts(g.context);
      opts.setInput(send, spec.layout.send_elems * elem);
      opts.setOutput(recv, spec.layout.recv_elems * elem);
      return ::gloo::allgather(opts);
    }
    case CollectiveKind::kBroadcast: {
      ::gloo::BroadcastOptions opts(g.context);
      if (g.rank == spec.root) opts.setInput(send, spec.layout.send_elems * elem);
      opts.setOutput(recv, spec.layout.recv_elems * elem);
      opts.setRoot(static_cast<int>(spec.root));
      return ::gloo::broadcast(opts);
    }
    default:
      throw std::logic_error("no Gloo call for " +
                             std::string(CollectiveName(spec.kind)));
  }
}

void Barrier(GlooRank& g) {
  ::gloo::BarrierOptions opts(g.context);
  ::gloo::barrier(opts);
}

// `value` reduced over every rank with `fn`, in place.
double AllReduceOne(GlooRank& g, double value, ReduceFn fn) {
  ::gloo::AllreduceOptions opts(g.context);
  opts.setOutput(&value, 1);
  opts.setReduceFunction(fn);
  ::gloo::allreduce(opts);
  return value;
}

// Runs one size as the ccs ranks do (rank_main.cc MeasureSize); returns the
// slowest rank's time and the wrong elements of all ranks.
GlooSlot MeasureSize(GlooRank& g, const CheckSpec& spec) {
  const BenchOptions& o = g.options;
  if (o.check) FillSend(spec, g.send.data());
  for (int i = 0; i < o.warmup_iters; ++i) RunCall(g, spec);
  Barrier(g);
  const auto start = Clock::now();
  for (int i = 0; i < o.iters; ++i) RunCall(g, spec);
  const double time_us =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
      std::max(o.iters, 1);
  uint64_t wrong = 0;
  if (o.check) {
    // A fresh result: recv holds NaN / -1 patterns that no expected value has.
    std::memset(g.recv.data(), 0xff, g.recv.size() * sizeof(uint64_t));
    RunCall(g, spec);
    wrong = CountWrong(spec, g.recv.data());
  }
  return {AllReduceOne(g, time_us, &::gloo::max<double>),
          AllReduceOne(g, static_cast<double>(wrong), &::gloo::sum<double>)};
}

// Every layout of GlooCollectives(options), in slot order; returns the
// wrong elements seen.
uint64_t RunSweep(GlooRank& g, GlooSlot* slots) {
  const BenchOptions& o = g.options;
  uint64_t wrong = 0;
  size_t i = 0;
  for (CollectiveKind kind : GlooCollectives(o)) {
    for (const Layout& layout : BenchLayouts(o, kind)) {
      g.phase = std::string(CollectiveName(kind)) + " of " +
                std::to_string(layout.size_bytes) + " B";
      const CheckSpec spec{kind, o.op, o.dtype, o.ranks, g.rank, o.root, layout};
      const GlooSlot slot = MeasureSize(g, spec);
      wrong += static_cast<uint64_t>(slot.wrong);
      if (g.rank == 0) slots[i] = slot;
      ++i;
    }
  }
  return wrong;
}

int Fail(const GlooRank& g, const char* what) {
  std::fprintf(stderr, "ccs-bench: gloo rank %u: %s: %s\n", g.rank, g.phase.c_str(),
               what);
  return kExitRankFailed;
}

}  // namespace

int RunGlooRank(const BenchOptions& options, uint32_t rank, const std::string& store_dir,
                GlooSlot* slots) {
  GlooRank g{options, rank, nullptr, {}, {}, "connecting over TCP on 127.0.0.1"};
  try {
    const auto [send_bytes, recv_bytes] = BenchBufferBytes(options);
    g.send.resize((send_bytes + 7) / 8);
    g.recv.resize((recv_bytes + 7) / 8);
    Connect(g, store_dir);
    const uint64_t wrong = RunSweep(g, slots);
    g.phase = "closing";
    g.context.reset();
    return wrong == 0 ? kExitOk : kExitWrongResults;
  } catch (const ::gloo::Exception& e) {
    return Fail(g, e.what());
  } catch (const ::gloo::EnforceNotMet& e) {
    return Fail(g, e.what());
  }
}

}  // namespace ccs::bench
