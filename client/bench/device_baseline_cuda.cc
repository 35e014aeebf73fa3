// The device baselines' measurement (CUDA build). Runs in the child that
// MeasureDeviceBaselines forks.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>

#include "client/bench/device_baseline.h"
#include "client/bench/layout.h"
#include "client/bench/nccl_loader.h"

namespace ccs::bench {
namespace {

using Clock = std::chrono::steady_clock;

void Check(cudaError_t err, const char* call) {
  if (err != cudaSuccess) {
    throw std::runtime_error(std::string(call) + ": " + cudaGetErrorString(err));
  }
}

// Mean microseconds per op of `op` (warmup, then iters enqueued on `stream`
// and one synchronize), as the ranks time the daemon's ops.
template <typename Op>
double Time(const BenchOptions& o, cudaStream_t stream, Op op) {
  for (int i = 0; i < o.warmup_iters; ++i) op();
  Check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  const auto start = Clock::now();
  for (int i = 0; i < o.iters; ++i) op();
  Check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
         std::max(o.iters, 1);
}

ncclDataType_t NcclType(DataType t) {
  switch (t) {
    case DataType::kInt8:
      return ncclInt8;
    case DataType::kUint8:
      return ncclUint8;
    case DataType::kInt32:
      return ncclInt32;
    case DataType::kInt64:
      return ncclInt64;
    case DataType::kFloat16:
      return ncclFloat16;
    case DataType::kBfloat16:
      return ncclBfloat16;
    case DataType::kFloat32:
      return ncclFloat32;
    case DataType::kFloat64:
      return ncclFloat64;
    case DataType::kUint32:
      return ncclUint32;
    case DataType::kUint64:
      return ncclUint64;
    case DataType::kFloat8E4m3:
      return ncclFloat8e4m3;
    case DataType::kFloat8E5m2:
      return ncclFloat8e5m2;
  }
  return ncclFloat32;
}

ncclRedOp_t NcclOp(ReduceOp op) {
  switch (op) {
    case ReduceOp::kSum:
      return ncclSum;
    case ReduceOp::kProd:
      return ncclProd;
    case ReduceOp::kMin:
      return ncclMin;
    case ReduceOp::kMax:
      return ncclMax;
    case ReduceOp::kAvg:
      return ncclAvg;
  }
  return ncclSum;
}

// Buffers of the baselines: two of the largest size, and a stream.
struct Scratch {
  void* src = nullptr;
  void* dst = nullptr;
  cudaStream_t stream = nullptr;
  explicit Scratch(uint64_t bytes) {
    Check(cudaSetDevice(0), "cudaSetDevice(0)");
    Check(cudaMalloc(&src, bytes), "cudaMalloc");
    Check(cudaMalloc(&dst, bytes), "cudaMalloc");
    Check(cudaMemset(src, 0, bytes), "cudaMemset");
    Check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
  }
  ~Scratch() {
    if (stream != nullptr) cudaStreamDestroy(stream);
    cudaFree(src);
    cudaFree(dst);
  }
};

std::string DeviceName() {
  cudaDeviceProp prop{};
  return cudaGetDeviceProperties(&prop, 0) == cudaSuccess ? prop.name : "GPU 0";
}

void MeasureNccl(const BenchOptions& o, Scratch& s, DeviceBaselines& b) {
  NcclApi nccl;
  std::string why;
  if (!LoadNccl(o.nccl_library, &nccl, &why)) {
    b.nccl_note = "not run: " + why;
    return;
  }
  auto check = [&](ncclResult_t r, const char* call) {
    if (r != ncclSuccess) {
      throw std::runtime_error(std::string(call) + ": " + nccl.get_error_string(r));
    }
  };
  int version = 0;
  check(nccl.get_version(&version), "ncclGetVersion");
  ncclUniqueId id;
  check(nccl.get_unique_id(&id), "ncclGetUniqueId");
  ncclComm_t comm = nullptr;
  check(nccl.comm_init_rank(&comm, 1, id, 0), "ncclCommInitRank");
  try {
    for (const Layout& l : BenchLayouts(o, CollectiveKind::kAllReduce)) {
      b.nccl_us[l.count] = Time(o, s.stream, [&] {
        check(nccl.all_reduce(s.src, s.dst, l.count, NcclType(o.dtype), NcclOp(o.op),
                              comm, s.stream),
              "ncclAllReduce");
      });
    }
  } catch (...) {
    nccl.comm_destroy(comm);
    throw;
  }
  nccl.comm_destroy(comm);
  b.nccl_note = "NCCL " + std::to_string(version) + " (" + o.nccl_library +
                "), world 1, ncclAllReduce out of place on its own stream";
}

}  // namespace

DeviceBaselines MeasureDeviceBaselinesHere(const BenchOptions& o) {
  DeviceBaselines b;
  std::set<uint64_t> sizes;
  bool all_reduce = false;
  for (CollectiveKind kind : o.collectives) {
    all_reduce = all_reduce || kind == CollectiveKind::kAllReduce;
    for (const Layout& l : BenchLayouts(o, kind)) sizes.insert(l.size_bytes);
  }
  if (sizes.empty()) return b;
  Scratch s(std::max<uint64_t>(*sizes.rbegin(), 1));
  for (uint64_t bytes : sizes) {
    b.memcpy_us[bytes] = Time(o, s.stream, [&] {
      Check(cudaMemcpyAsync(s.dst, s.src, bytes, cudaMemcpyDeviceToDevice, s.stream),
            "cudaMemcpyAsync");
    });
  }
  b.memcpy_note = "cudaMemcpyAsync device to device on GPU 0 (" + DeviceName() +
                  "), one stream, same bytes as size(B)";
  if (!all_reduce) {
    b.nccl_note = "not run: only all_reduce has a single-rank NCCL baseline";
    return b;
  }
  try {
    MeasureNccl(o, s, b);
  } catch (const std::exception& e) {
    b.nccl_us.clear();
    b.nccl_note = std::string("not run: ") + e.what();
  }
  return b;
}

}  // namespace ccs::bench
