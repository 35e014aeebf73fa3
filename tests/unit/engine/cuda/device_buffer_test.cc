// Device buffer descriptors: handle bytes, range validation against the
// allocation.
#include "daemon/engine/cuda/device_buffer.h"

#include <catch2/catch.hpp>
#include <limits>

namespace ccs::cuda {
namespace {

DeviceBufferDesc Valid() {
  DeviceBufferDesc d;
  d.mem_handle.fill(0xab);
  d.device.bytes[3] = 7;
  d.alloc_size = 1 << 20;
  d.alloc_offset = 4096;
  d.size_bytes = 8192;
  return d;
}

TEST_CASE("IPC handles are exactly 64 non-zero bytes", "[cuda][device_buffer]") {
  std::string raw(64, '\x01');
  auto h = IpcHandleFromBytes(raw, "mem_handle");
  REQUIRE(h.ok());
  CHECK((*h)[63] == 1);
  auto short_one = IpcHandleFromBytes(std::string(63, '\x01'), "mem_handle");
  CHECK(short_one.status().code() == StatusCode::kInvalidArgument);
  CHECK(short_one.status().message().find("mem_handle must be 64 bytes") !=
        std::string::npos);
  auto zero = IpcHandleFromBytes(std::string(64, '\0'), "event_handle");
  CHECK(zero.status().code() == StatusCode::kInvalidArgument);
  CHECK(zero.status().message().find("event_handle is all zero") != std::string::npos);
}

TEST_CASE("a registered range must lie inside its allocation", "[cuda][device_buffer]") {
  CHECK(ValidateDeviceBuffer(Valid()).ok());
  DeviceBufferDesc whole = Valid();
  whole.alloc_offset = 0;
  whole.size_bytes = whole.alloc_size;
  CHECK(ValidateDeviceBuffer(whole).ok());

  DeviceBufferDesc past = Valid();
  past.alloc_offset = past.alloc_size - 100;
  past.size_bytes = 101;
  auto s = ValidateDeviceBuffer(past);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("does not fit in its allocation of 1048576 bytes") !=
        std::string::npos);

  DeviceBufferDesc wrap = Valid();
  wrap.alloc_offset = 16;
  wrap.size_bytes = std::numeric_limits<uint64_t>::max() - 8;  // offset + size overflows
  CHECK(ValidateDeviceBuffer(wrap).code() == StatusCode::kInvalidArgument);

  DeviceBufferDesc offset_past = Valid();
  offset_past.alloc_offset = offset_past.alloc_size + 1;
  CHECK(ValidateDeviceBuffer(offset_past).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("zero sizes and a missing device are refused", "[cuda][device_buffer]") {
  DeviceBufferDesc d = Valid();
  d.size_bytes = 0;
  CHECK(ValidateDeviceBuffer(d).message().find("size_bytes is 0") != std::string::npos);
  d = Valid();
  d.alloc_size = 0;
  CHECK(ValidateDeviceBuffer(d).message().find("alloc_size is 0") != std::string::npos);
  d = Valid();
  d.device = {};
  CHECK(ValidateDeviceBuffer(d).message().find("device UUID") != std::string::npos);
}

}  // namespace
}  // namespace ccs::cuda
