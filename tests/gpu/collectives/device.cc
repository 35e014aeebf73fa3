#include "tests/gpu/collectives/device.h"

#include <cuda_runtime_api.h>

#include <stdexcept>

namespace ccs::gputest {
namespace {

void Check(cudaError_t err, const char* call) {
  if (err != cudaSuccess) {
    throw std::runtime_error(std::string(call) + ": " + cudaGetErrorString(err));
  }
}

}  // namespace

std::string NoDeviceReason() {
  int devices = 0;
  cudaError_t err = cudaGetDeviceCount(&devices);
  if (err != cudaSuccess) {
    return std::string("no usable CUDA device: cudaGetDeviceCount: ") +
           cudaGetErrorString(err);
  }
  if (devices == 0) return "no usable CUDA device: cudaGetDeviceCount found 0";
  err = cudaSetDevice(0);
  if (err != cudaSuccess) {
    return std::string("no usable CUDA device: cudaSetDevice(0): ") +
           cudaGetErrorString(err);
  }
  return "";
}

DeviceRegion::DeviceRegion(size_t bytes) : size_(bytes) {
  Check(cudaSetDevice(0), "cudaSetDevice(0)");
  Check(cudaMalloc(&data_, bytes), "cudaMalloc");
}

DeviceRegion::~DeviceRegion() {
  if (data_ != nullptr) cudaFree(data_);
}

void DeviceRegion::Upload(size_t offset, const void* host, size_t bytes) {
  if (offset + bytes > size_) throw std::runtime_error("Upload past the region");
  Check(
      cudaMemcpy(static_cast<char*>(data_) + offset, host, bytes, cudaMemcpyHostToDevice),
      "cudaMemcpy(HostToDevice)");
  // A copy from pageable memory may return before its DMA landed.
  Check(cudaDeviceSynchronize(), "cudaDeviceSynchronize after upload");
}

void DeviceRegion::Download(size_t offset, void* host, size_t bytes) const {
  if (offset + bytes > size_) throw std::runtime_error("Download past the region");
  Check(cudaMemcpy(host, static_cast<const char*>(data_) + offset, bytes,
                   cudaMemcpyDeviceToHost),
        "cudaMemcpy(DeviceToHost)");
}

void WaitForDevice() {
  Check(cudaStreamSynchronize(nullptr), "cudaStreamSynchronize(0) after the op");
  Check(cudaDeviceSynchronize(), "cudaDeviceSynchronize after the op");
}

}  // namespace ccs::gputest
