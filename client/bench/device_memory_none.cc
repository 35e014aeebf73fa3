#include "client/bench/device_memory.h"

namespace ccs::bench {
namespace {

[[noreturn]] void NotBuilt() {
  throw Error(Code::kUnimplemented,
              "ccs-bench was built without CUDA: no --memory device");
}

}  // namespace

bool DeviceModeBuilt() { return false; }
std::unique_ptr<DeviceMemory> DeviceMemory::Create(Client&, size_t) { NotBuilt(); }
DeviceMemory::~DeviceMemory() = default;
void DeviceMemory::Upload(const void*, size_t) { NotBuilt(); }
void DeviceMemory::Download(void*, size_t) const { NotBuilt(); }
void DeviceMemory::Fill(uint8_t) { NotBuilt(); }
void WaitForDevice() { NotBuilt(); }

}  // namespace ccs::bench
