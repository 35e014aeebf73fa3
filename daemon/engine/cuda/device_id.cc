#include "daemon/engine/cuda/device_id.h"

#include <algorithm>
#include <cstdio>

namespace ccs::cuda {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses all of `text` as hex into `out`; false on anything else.
template <typename T>
bool ParseHex(std::string_view text, T* out) {
  if (text.empty()) return false;
  uint64_t v = 0;
  for (char c : text) {
    int h = HexValue(c);
    if (h < 0) return false;
    v = v * 16 + static_cast<uint64_t>(h);
  }
  if (v > static_cast<uint64_t>(static_cast<T>(~T{0}))) return false;
  *out = static_cast<T>(v);
  return true;
}

Status BadUuid(std::string_view text) {
  return InvalidArgument(
      "'" + std::string(text) +
      "' is not a GPU UUID (GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
}

}  // namespace

bool DeviceUuid::IsZero() const {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

StatusOr<DeviceUuid> ParseDeviceUuid(std::string_view text) {
  std::string_view rest = text;
  if (rest.substr(0, 4) == "GPU-") rest.remove_prefix(4);
  // Dashes after 8, 12, 16 and 20 hex digits; 36 characters in all.
  if (rest.size() != 36) return BadUuid(text);
  DeviceUuid uuid;
  size_t digit = 0;
  for (size_t i = 0; i < rest.size(); ++i) {
    const bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_here != (rest[i] == '-')) return BadUuid(text);
    if (dash_here) continue;
    int h = HexValue(rest[i]);
    if (h < 0) return BadUuid(text);
    uuid.bytes[digit / 2] =
        static_cast<uint8_t>(uuid.bytes[digit / 2] | (digit % 2 ? h : h << 4));
    ++digit;
  }
  return uuid;
}

std::string FormatDeviceUuid(const DeviceUuid& uuid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "GPU-";
  for (size_t i = 0; i < uuid.bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[uuid.bytes[i] >> 4];
    out += kHex[uuid.bytes[i] & 0xf];
  }
  return out;
}

StatusOr<DeviceUuid> DeviceUuidFromBytes(std::string_view raw) {
  DeviceUuid uuid;
  if (raw.size() != uuid.bytes.size()) {
    return InvalidArgument("a device UUID is 16 bytes, got " +
                           std::to_string(raw.size()));
  }
  std::copy(raw.begin(), raw.end(), reinterpret_cast<char*>(uuid.bytes.data()));
  return uuid;
}

StatusOr<PciBusId> ParsePciBusId(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("'" + std::string(text) +
                           "' is not a PCI bus id (domain:bus:device.function, e.g. "
                           "0000:3b:00.0)");
  };
  PciBusId id;
  std::string_view rest = text;
  const size_t first = rest.find(':');
  if (first == std::string_view::npos) return bad();
  if (rest.find(':', first + 1) != std::string_view::npos) {
    if (first > 8 || !ParseHex(rest.substr(0, first), &id.domain)) return bad();
    rest.remove_prefix(first + 1);
  }
  const size_t colon = rest.find(':');
  const size_t dot = rest.find('.');
  if (colon != 2 || dot != 5 || rest.size() != 7) return bad();
  if (!ParseHex(rest.substr(0, 2), &id.bus) || !ParseHex(rest.substr(3, 2), &id.device) ||
      !ParseHex(rest.substr(6, 1), &id.function) || id.device > 31 || id.function > 7) {
    return bad();
  }
  return id;
}

std::string FormatPciBusId(const PciBusId& id) {
  char buf[32];
  std::snprintf(buf, sizeof(buf),
                id.domain > 0xffff ? "%08x:%02x:%02x.%x" : "%04x:%02x:%02x.%x", id.domain,
                id.bus, id.device, id.function);
  return buf;
}

StatusOr<LocalDevice> FindDevice(const std::vector<LocalDevice>& devices,
                                 const DeviceUuid& uuid) {
  for (const LocalDevice& d : devices) {
    if (d.uuid == uuid) return d;
  }
  std::string seen;
  for (const LocalDevice& d : devices) {
    seen += (seen.empty() ? "" : ", ") + FormatDeviceUuid(d.uuid) + " (" +
            FormatPciBusId(d.pci) + ")";
  }
  return NotFound("GPU " + FormatDeviceUuid(uuid) +
                  " is not one of this daemon's devices [" +
                  (seen.empty() ? "none" : seen) +
                  "]; run ccsd where it sees that GPU (check its CUDA_VISIBLE_DEVICES)");
}

}  // namespace ccs::cuda
