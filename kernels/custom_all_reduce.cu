// CUDA side of the custom all-reduce (see custom_all_reduce.h for the
// algorithms and the launch contract). The only translation unit of the
// kernels: 2 algorithms x 3 dtypes x {16-byte packs, single elements}.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <string>

#include "kernels/custom_all_reduce.h"

namespace ccs::kernels {
namespace {

// One participant's signal block, in its GPU's memory. epoch[b] is the last
// barrier value block b of this participant used (only that block touches
// it); flags[b][p] is the last barrier value block b of participant p
// reached (written by p over P2P). Values only grow, so a waiter compares
// with >= and a fast peer that already wrote the next value is harmless.
struct Signal {
  uint64_t epoch[kMaxBlocks];
  uint64_t flags[kMaxBlocks][kMaxParticipants];
};
static_assert(sizeof(Signal) == kSignalBytes);

// Kernel parameters, passed by value: no device-side argument buffer, so a
// launch allocates nothing.
struct Args {
  const void* in[kMaxRanks];
  void* out[kMaxLocalOutputs];
  Signal* sig[kMaxParticipants];
  const void* part_out[kMaxParticipants];
  uint32_t num_in;
  uint32_t num_out;
  uint32_t num_part;
  uint32_t self;
  uint64_t packs;
};

__device__ __forceinline__ void StoreRelease(uint64_t* p, uint64_t v) {
  asm volatile("st.release.sys.global.u64 [%0], %1;" ::"l"(p), "l"(v) : "memory");
}

__device__ __forceinline__ uint64_t LoadAcquire(const uint64_t* p) {
  uint64_t v;
  asm volatile("ld.acquire.sys.global.u64 %0, [%1];" : "=l"(v) : "l"(p) : "memory");
  return v;
}

// Block b of every participant meets block b of every other one. The
// block's earlier writes are ordered before the release by __syncthreads.
__device__ void Barrier(const Args& a, uint64_t value) {
  if (a.num_part == 1) {
    __syncthreads();
    return;
  }
  __syncthreads();
  if (threadIdx.x < a.num_part) {
    StoreRelease(&a.sig[threadIdx.x]->flags[blockIdx.x][a.self], value);
    while (LoadAcquire(&a.sig[a.self]->flags[blockIdx.x][threadIdx.x]) < value) {
    }
  }
  __syncthreads();
}

__device__ uint64_t EpochBase(const Args& a) {
  __shared__ uint64_t base;
  if (threadIdx.x == 0) base = a.sig[a.self]->epoch[blockIdx.x];
  __syncthreads();
  return base;
}

__device__ void EpochStore(const Args& a, uint64_t value) {
  if (threadIdx.x == 0) a.sig[a.self]->epoch[blockIdx.x] = value;
}

__device__ __forceinline__ float ToFloat(float x) { return x; }
__device__ __forceinline__ float ToFloat(__half x) { return __half2float(x); }
__device__ __forceinline__ float ToFloat(__nv_bfloat16 x) { return __bfloat162float(x); }

template <typename T>
__device__ __forceinline__ T FromFloat(float x);
template <>
__device__ __forceinline__ float FromFloat<float>(float x) {
  return x;
}
template <>
__device__ __forceinline__ __half FromFloat<__half>(float x) {
  return __float2half_rn(x);
}
template <>
__device__ __forceinline__ __nv_bfloat16 FromFloat<__nv_bfloat16>(float x) {
  return __float2bfloat16_rn(x);
}

template <typename T, int kElems>
struct alignas(sizeof(T) * kElems) Pack {
  T v[kElems];
};

// Pack i of the sum over ranks 0..num_in-1, in that order, in float32.
template <typename T, int kElems>
__device__ __forceinline__ Pack<T, kElems> ReducePack(const Args& a, uint64_t i) {
  using P = Pack<T, kElems>;
  float acc[kElems];
  P x = static_cast<const P*>(a.in[0])[i];
#pragma unroll
  for (int j = 0; j < kElems; ++j) acc[j] = ToFloat(x.v[j]);
  for (uint32_t r = 1; r < a.num_in; ++r) {
    x = static_cast<const P*>(a.in[r])[i];
#pragma unroll
    for (int j = 0; j < kElems; ++j) acc[j] += ToFloat(x.v[j]);
  }
  P result;
#pragma unroll
  for (int j = 0; j < kElems; ++j) result.v[j] = FromFloat<T>(acc[j]);
  return result;
}

template <typename T, int kElems>
__device__ __forceinline__ void StoreAll(const Args& a, uint64_t i, Pack<T, kElems> v) {
  for (uint32_t o = 0; o < a.num_out; ++o) static_cast<Pack<T, kElems>*>(a.out[o])[i] = v;
}

template <typename T, int kElems>
__global__ void __launch_bounds__(kThreadsPerBlock) OneShot(Args a) {
  const uint64_t base = EpochBase(a);
  Barrier(a, base + 1);  // every participant's inputs are ready
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  for (uint64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < a.packs; i += stride) {
    StoreAll<T, kElems>(a, i, ReducePack<T, kElems>(a, i));
  }
  Barrier(a, base + 2);  // nobody reads our inputs any more
  EpochStore(a, base + 2);
}

// Shard s = packs [s*per, min((s+1)*per, packs)). Within a shard, block b
// handles the same shard-relative packs in both stages, so the barrier of
// block b alone orders stage 1's writes before stage 2's reads of them.
template <typename T, int kElems>
__global__ void __launch_bounds__(kThreadsPerBlock) TwoShot(Args a) {
  using P = Pack<T, kElems>;
  const uint64_t base = EpochBase(a);
  const uint64_t per = (a.packs + a.num_part - 1) / a.num_part;
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  const uint64_t first = blockIdx.x * blockDim.x + threadIdx.x;
  Barrier(a, base + 1);
  {
    const uint64_t begin = a.self * per;
    const uint64_t end = min(begin + per, a.packs);
    for (uint64_t i = begin + first; i < end; i += stride) {
      StoreAll<T, kElems>(a, i, ReducePack<T, kElems>(a, i));
    }
  }
  Barrier(a, base + 2);  // every shard is reduced
  for (uint32_t s = 0; s < a.num_part; ++s) {
    if (s == a.self) continue;
    const P* src = static_cast<const P*>(a.part_out[s]);
    const uint64_t begin = s * per;
    const uint64_t end = min(begin + per, a.packs);
    for (uint64_t i = begin + first; i < end; i += stride)
      StoreAll<T, kElems>(a, i, src[i]);
  }
  Barrier(a, base + 3);  // nobody reads our shard any more
  EpochStore(a, base + 3);
}

Args MakeArgs(const AllReduceLaunch& l, uint64_t packs) {
  Args a{};
  for (uint32_t i = 0; i < l.num_inputs; ++i) a.in[i] = l.inputs[i];
  for (uint32_t i = 0; i < l.num_outputs; ++i) a.out[i] = l.outputs[i];
  for (uint32_t i = 0; i < l.num_participants; ++i) {
    a.sig[i] = static_cast<Signal*>(l.signals[i]);
    a.part_out[i] = l.participant_outputs[i];
  }
  a.num_in = l.num_inputs;
  a.num_out = l.num_outputs;
  a.num_part = l.num_participants;
  a.self = l.self;
  a.packs = packs;
  return a;
}

template <typename T>
void Launch(const Args& a, const GridPlan& g, ArAlgorithm algo, cudaStream_t s) {
  constexpr int kVec = 16 / sizeof(T);
  const bool vec = g.elems_per_pack != 1;
  if (algo == ArAlgorithm::kOneShot) {
    if (vec)
      OneShot<T, kVec><<<g.blocks, g.threads, 0, s>>>(a);
    else
      OneShot<T, 1><<<g.blocks, g.threads, 0, s>>>(a);
  } else {
    if (vec)
      TwoShot<T, kVec><<<g.blocks, g.threads, 0, s>>>(a);
    else
      TwoShot<T, 1><<<g.blocks, g.threads, 0, s>>>(a);
  }
}

Status CudaError(const std::string& what, cudaError_t err) {
  std::string text =
      what + ": " + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")";
  return err == cudaErrorMemoryAllocation ? ResourceExhausted(text) : Internal(text);
}

}  // namespace

Status LaunchAllReduce(const AllReduceLaunch& launch, ArAlgorithm algorithm,
                       void* stream) {
  RETURN_IF_ERROR(ValidateLaunch(launch, algorithm));
  if (launch.count == 0) return Status::Ok();
  const GridPlan grid = PlanGrid(launch.count, launch.dtype, launch.vectorise,
                                 launch.num_participants, algorithm);
  const Args args = MakeArgs(launch, grid.packs);
  auto s = static_cast<cudaStream_t>(stream);
  switch (launch.dtype) {
    case ArDtype::kFloat32:
      Launch<float>(args, grid, algorithm, s);
      break;
    case ArDtype::kFloat16:
      Launch<__half>(args, grid, algorithm, s);
      break;
    case ArDtype::kBfloat16:
      Launch<__nv_bfloat16>(args, grid, algorithm, s);
      break;
  }
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) {
    return CudaError(std::string("launching the custom all-reduce (") +
                         (algorithm == ArAlgorithm::kOneShot ? "one-shot" : "two-shot") +
                         ", participant " + std::to_string(launch.self) + ")",
                     err);
  }
  return Status::Ok();
}

StatusOr<void*> AllocateSignal(int device) {
  const std::string where =
      " for a custom all-reduce signal block on device " + std::to_string(device);
  cudaError_t err = cudaSetDevice(device);
  if (err != cudaSuccess) return CudaError("cudaSetDevice" + where, err);
  void* p = nullptr;
  err = cudaMalloc(&p, kSignalBytes);
  if (err != cudaSuccess) return CudaError("cudaMalloc" + where, err);
  // Zeroed on a private stream and waited for alone: a device-wide
  // synchronize would also wait for the daemon's streams, which may be
  // held by a client's event that is not recorded yet.
  cudaStream_t stream = nullptr;
  err = cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
  if (err == cudaSuccess) {
    err = cudaMemsetAsync(p, 0, kSignalBytes, stream);
    if (err == cudaSuccess) err = cudaStreamSynchronize(stream);
    cudaStreamDestroy(stream);
  }
  if (err != cudaSuccess) {
    cudaFree(p);
    return CudaError("cudaMemset" + where, err);
  }
  return p;
}

void FreeSignal(int device, void* signal) {
  if (signal == nullptr) return;
  if (cudaSetDevice(device) == cudaSuccess) cudaFree(signal);
}

}  // namespace ccs::kernels
