#include <cuda_runtime_api.h>

#include "client/bench/device_memory.h"

namespace ccs::bench {
namespace {

void Check(cudaError_t err, const char* call) {
  if (err != cudaSuccess) {
    throw Error(Code::kFailedPrecondition,
                std::string("ccs-bench: ") + call + ": " + cudaGetErrorString(err));
  }
}

}  // namespace

bool DeviceModeBuilt() { return true; }

std::unique_ptr<DeviceMemory> DeviceMemory::Create(Client& client, size_t bytes) {
  Check(cudaSetDevice(0), "cudaSetDevice(0)");
  void* data = nullptr;
  Check(cudaMalloc(&data, bytes), "cudaMalloc");
  std::unique_ptr<DeviceMemory> m(new DeviceMemory(data, bytes));
  m->buffer_ = client.RegisterDeviceBuffer(data, bytes);  // frees `data` if it throws
  return m;
}

DeviceMemory::~DeviceMemory() {
  buffer_.reset();
  cudaFree(data_);
}

void DeviceMemory::Upload(const void* host, size_t bytes) {
  Check(cudaMemcpy(data_, host, bytes, cudaMemcpyHostToDevice), "cudaMemcpy(H2D)");
  Check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

void DeviceMemory::Download(void* host, size_t bytes) const {
  Check(cudaMemcpy(host, data_, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy(D2H)");
}

void DeviceMemory::Fill(uint8_t value) {
  Check(cudaMemset(data_, value, size_), "cudaMemset");
  Check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

void WaitForDevice() {
  Check(cudaStreamSynchronize(nullptr), "cudaStreamSynchronize(0)");
}

}  // namespace ccs::bench
