// Device identity: GPUs are named by UUID (and PCI bus id), never by
// ordinal, because CUDA_VISIBLE_DEVICES gives each process its own
// numbering. Pure value types; no CUDA.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/status.h"

namespace ccs::cuda {

// The 16 bytes of cudaDeviceProp::uuid / nvidia-smi's "GPU-..." UUID.
struct DeviceUuid {
  std::array<uint8_t, 16> bytes{};
  bool IsZero() const;
  friend bool operator==(const DeviceUuid&, const DeviceUuid&) = default;
  friend auto operator<=>(const DeviceUuid&, const DeviceUuid&) = default;
};

// "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (nvidia-smi's form; the "GPU-"
// prefix is optional, hex digits of either case). INVALID_ARGUMENT quoting
// the text otherwise.
StatusOr<DeviceUuid> ParseDeviceUuid(std::string_view text);
// Lower-case "GPU-..." form.
std::string FormatDeviceUuid(const DeviceUuid& uuid);
// From the 16 raw bytes of the wire (INVALID_ARGUMENT unless exactly 16).
StatusOr<DeviceUuid> DeviceUuidFromBytes(std::string_view raw);

// PCI location domain:bus:device.function.
struct PciBusId {
  uint32_t domain = 0;
  uint8_t bus = 0;
  uint8_t device = 0;    // 0..31
  uint8_t function = 0;  // 0..7
  friend bool operator==(const PciBusId&, const PciBusId&) = default;
};

// "0000:3b:00.0" (cudaDeviceGetPCIBusId), "00000000:3B:00.0" (nvidia-smi)
// or "3b:00.0" (domain 0). INVALID_ARGUMENT quoting the text otherwise.
StatusOr<PciBusId> ParsePciBusId(std::string_view text);
// "dddd:bb:dd.f", lower-case hex (8 domain digits when it needs them).
std::string FormatPciBusId(const PciBusId& id);

// One GPU this process can use: its identity and its ordinal here.
struct LocalDevice {
  DeviceUuid uuid;
  PciBusId pci;
  int ordinal = -1;
};

// The local device with this UUID; NOT_FOUND naming the UUID and listing
// the devices this daemon sees (a client on a GPU the daemon does not own,
// or a CUDA_VISIBLE_DEVICES that hides it from the daemon).
StatusOr<LocalDevice> FindDevice(const std::vector<LocalDevice>& devices,
                                 const DeviceUuid& uuid);

}  // namespace ccs::cuda
