// ProbePeerAccess (p2p_probe.h): one small kernel, one translation unit.
#include <cuda_runtime.h>

#include <string>
#include <vector>

#include "kernels/p2p_probe.h"

namespace ccs::kernels {
namespace {

constexpr int kWords = 4096;

__global__ void CopyWords(const unsigned* src, unsigned* dst, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += gridDim.x * blockDim.x) {
    dst[i] = src[i];
  }
}

unsigned Pattern(int i) {
  return 0x9e3779b9u * static_cast<unsigned>(i + 1) ^ 0x5bd1e995u;
}

// Frees the probe's buffers on every return path.
struct Buffers {
  int owner = -1, reader = -1;
  unsigned* src = nullptr;
  unsigned* dst = nullptr;
  ~Buffers() {
    if (src != nullptr && cudaSetDevice(owner) == cudaSuccess) cudaFree(src);
    if (dst != nullptr && cudaSetDevice(reader) == cudaSuccess) cudaFree(dst);
  }
};

Status Check(cudaError_t err, const std::string& what) {
  if (err == cudaSuccess) return Status::Ok();
  return Internal("P2P probe: " + what + ": " + cudaGetErrorName(err) + " (" +
                  cudaGetErrorString(err) + ")");
}

}  // namespace

Status ProbePeerAccess(int reader, int owner) {
  const std::string pair =
      "GPU " + std::to_string(reader) + " reading GPU " + std::to_string(owner);
  if (reader == owner) return Status::Ok();
  int can = 0;
  RETURN_IF_ERROR(Check(cudaDeviceCanAccessPeer(&can, reader, owner),
                        "cudaDeviceCanAccessPeer for " + pair));
  if (!can) return FailedPrecondition("no P2P access for " + pair + " (driver says no)");
  RETURN_IF_ERROR(Check(cudaSetDevice(reader), "cudaSetDevice"));
  cudaError_t err = cudaDeviceEnablePeerAccess(owner, 0);
  if (err == cudaErrorPeerAccessAlreadyEnabled) {
    cudaGetLastError();  // not an error here; clear it
  } else {
    RETURN_IF_ERROR(Check(err, "cudaDeviceEnablePeerAccess for " + pair));
  }
  std::vector<unsigned> want(kWords), got(kWords, 0);
  for (int i = 0; i < kWords; ++i) want[i] = Pattern(i);
  Buffers b;
  b.owner = owner;
  b.reader = reader;
  const size_t bytes = kWords * sizeof(unsigned);
  RETURN_IF_ERROR(Check(cudaSetDevice(owner), "cudaSetDevice"));
  RETURN_IF_ERROR(
      Check(cudaMalloc(&b.src, bytes), "cudaMalloc on GPU " + std::to_string(owner)));
  RETURN_IF_ERROR(Check(cudaMemcpy(b.src, want.data(), bytes, cudaMemcpyHostToDevice),
                        "filling the pattern"));
  RETURN_IF_ERROR(Check(cudaSetDevice(reader), "cudaSetDevice"));
  RETURN_IF_ERROR(
      Check(cudaMalloc(&b.dst, bytes), "cudaMalloc on GPU " + std::to_string(reader)));
  CopyWords<<<8, 256>>>(b.src, b.dst, kWords);
  RETURN_IF_ERROR(Check(cudaGetLastError(), "launching the copy kernel for " + pair));
  RETURN_IF_ERROR(Check(cudaDeviceSynchronize(), "the copy kernel for " + pair));
  RETURN_IF_ERROR(Check(cudaMemcpy(got.data(), b.dst, bytes, cudaMemcpyDeviceToHost),
                        "reading the copy back"));
  for (int i = 0; i < kWords; ++i) {
    if (got[i] != want[i]) {
      return FailedPrecondition("P2P reads are wrong for " + pair + " (word " +
                                std::to_string(i) +
                                "); the custom all-reduce is off "
                                "between them, NCCL is used");
    }
  }
  return Status::Ok();
}

}  // namespace ccs::kernels
