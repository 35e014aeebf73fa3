// The wire form of device buffers and IPC events (ccs.v1.CudaIpcBuffer,
// CudaIpcEvent) and its conversion to the domain descriptors.
#include <catch2/catch.hpp>

#include "daemon/server/convert.h"

namespace ccs::server {
namespace {

v1::CudaIpcBuffer ValidWire() {
  v1::CudaIpcBuffer b;
  b.set_mem_handle(std::string(64, '\x5a'));
  std::string uuid(16, '\0');
  uuid[0] = '\x01';
  uuid[15] = '\x7f';
  b.set_device_uuid(uuid);
  b.set_alloc_offset(256);
  b.set_alloc_size(1 << 20);
  b.set_pci_bus_id("0000:3b:00.0");
  return b;
}

TEST_CASE("a device buffer survives the wire", "[cuda][wire]") {
  v1::RegisterBufferRequest request;
  request.set_kind(v1::BUFFER_KIND_CUDA_IPC);
  request.set_size_bytes(4096);
  *request.mutable_cuda() = ValidWire();
  v1::RegisterBufferRequest parsed;
  REQUIRE(parsed.ParseFromString(request.SerializeAsString()));
  auto desc = FromProto(parsed.cuda(), parsed.size_bytes());
  REQUIRE(desc.ok());
  CHECK(desc->mem_handle[0] == 0x5a);
  CHECK(desc->mem_handle[63] == 0x5a);
  CHECK(desc->alloc_offset == 256);
  CHECK(desc->alloc_size == (1 << 20));
  CHECK(desc->size_bytes == 4096);
  CHECK(cuda::FormatDeviceUuid(desc->device) ==
        "GPU-01000000-0000-0000-0000-00000000007f");
}

TEST_CASE("malformed device buffers are refused naming the field", "[cuda][wire]") {
  v1::CudaIpcBuffer b = ValidWire();
  b.set_mem_handle("short");
  CHECK(FromProto(b, 4096).status().message().find("cuda.mem_handle must be 64 bytes") !=
        std::string::npos);
  b = ValidWire();
  b.set_device_uuid("GPU-1");
  CHECK(FromProto(b, 4096).status().message().find("cuda.device_uuid") !=
        std::string::npos);
  b = ValidWire();
  auto past = FromProto(b, (1 << 20) - 255);  // one byte past the allocation
  CHECK(past.status().code() == StatusCode::kInvalidArgument);
  CHECK(past.status().message().find("does not fit in its allocation") !=
        std::string::npos);
  CHECK(FromProto(b, (1 << 20) - 256).ok());
}

TEST_CASE("an IPC event survives the wire", "[cuda][wire]") {
  v1::CudaIpcEvent e;
  e.set_event_handle(std::string(64, '\x11'));
  e.set_device_uuid(std::string(16, '\x22'));
  auto desc = FromProto(e);
  REQUIRE(desc.ok());
  CHECK(desc->handle[10] == 0x11);
  CHECK(desc->device.bytes[5] == 0x22);
  e.set_event_handle(std::string(64, '\0'));
  CHECK(FromProto(e).status().message().find("event_handle is all zero") !=
        std::string::npos);
  e.set_event_handle(std::string(63, '\x11'));
  CHECK(FromProto(e).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a collective's stream id survives the wire", "[cuda][wire]") {
  v1::RunCollectiveRequest r;
  r.set_kind(v1::COLLECTIVE_KIND_BARRIER);
  auto plain = FromProto(r);
  REQUIRE(plain.ok());
  CHECK(plain->stream_id == 0);
  r.set_stream_id(12);
  auto ordered = FromProto(r);
  REQUIRE(ordered.ok());
  CHECK(ordered->stream_id == 12);
}

}  // namespace
}  // namespace ccs::server
