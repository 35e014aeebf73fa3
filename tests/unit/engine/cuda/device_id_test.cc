// Device identity: UUID and PCI bus id text forms, lookup by UUID.
#include "daemon/engine/cuda/device_id.h"

#include <catch2/catch.hpp>

namespace ccs::cuda {
namespace {

TEST_CASE("a GPU UUID parses from nvidia-smi's form and formats back",
          "[cuda][device_id]") {
  auto uuid = ParseDeviceUuid("GPU-5f3c2a9e-1b2c-4d5e-8f90-0123456789AB");
  REQUIRE(uuid.ok());
  CHECK(uuid->bytes[0] == 0x5f);
  CHECK(uuid->bytes[15] == 0xab);
  CHECK(FormatDeviceUuid(*uuid) == "GPU-5f3c2a9e-1b2c-4d5e-8f90-0123456789ab");
  auto bare = ParseDeviceUuid("5f3c2a9e-1b2c-4d5e-8f90-0123456789ab");
  REQUIRE(bare.ok());
  CHECK(*bare == *uuid);
}

TEST_CASE("malformed GPU UUIDs are refused quoting the text", "[cuda][device_id]") {
  for (const char* bad : {"", "GPU-", "GPU-5f3c2a9e1b2c4d5e8f900123456789ab",
                          "GPU-5f3c2a9e-1b2c-4d5e-8f90-0123456789a",
                          "GPU-5f3c2a9e-1b2c-4d5e-8f90-0123456789abc",
                          "GPU-5f3c2a9e-1b2c-4d5e-8f90_0123456789ab",
                          "GPU-5f3c2a9g-1b2c-4d5e-8f90-0123456789ab", "MIG-5f3c2a9e"}) {
    auto s = ParseDeviceUuid(bad);
    CHECK(s.status().code() == StatusCode::kInvalidArgument);
    CHECK(s.status().message().find(std::string("'") + bad + "'") != std::string::npos);
  }
}

TEST_CASE("a UUID from wire bytes must be exactly 16 bytes", "[cuda][device_id]") {
  std::string raw(16, '\0');
  raw[0] = '\x12';
  auto uuid = DeviceUuidFromBytes(raw);
  REQUIRE(uuid.ok());
  CHECK(uuid->bytes[0] == 0x12);
  CHECK_FALSE(uuid->IsZero());
  CHECK(DeviceUuid{}.IsZero());
  CHECK(DeviceUuidFromBytes(std::string(15, 'a')).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("PCI bus ids parse in CUDA's, nvidia-smi's and short form",
          "[cuda][device_id]") {
  auto a = ParsePciBusId("0000:3b:00.0");
  auto b = ParsePciBusId("00000000:3B:00.0");
  auto c = ParsePciBusId("3b:00.0");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  CHECK(*a == *b);
  CHECK(*a == *c);
  CHECK(a->bus == 0x3b);
  CHECK(FormatPciBusId(*b) == "0000:3b:00.0");
  auto d = ParsePciBusId("0001:c1:1f.7");
  REQUIRE(d.ok());
  CHECK(d->domain == 1);
  CHECK(d->device == 0x1f);
  CHECK(d->function == 7);
  CHECK(FormatPciBusId(*d) == "0001:c1:1f.7");
  CHECK(FormatPciBusId({0x10000, 1, 2, 3}) == "00010000:01:02.3");
}

TEST_CASE("malformed PCI bus ids are refused", "[cuda][device_id]") {
  for (const char* bad :
       {"", "3b", "0000:3b:00", "0000:3b:20.0", "0000:3b:00.8", "000000000:3b:00.0",
        "0000:3b:0.0", "zz:00.0", "0000:3b:00.0x"}) {
    CHECK(ParsePciBusId(bad).status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("devices are found by UUID whatever their ordinal", "[cuda][device_id]") {
  LocalDevice d0{*ParseDeviceUuid("GPU-00000000-0000-0000-0000-000000000001"),
                 *ParsePciBusId("0000:18:00.0"), 0};
  LocalDevice d1{*ParseDeviceUuid("GPU-00000000-0000-0000-0000-000000000002"),
                 *ParsePciBusId("0000:3b:00.0"), 1};
  auto found = FindDevice({d0, d1}, d1.uuid);
  REQUIRE(found.ok());
  CHECK(found->ordinal == 1);
  auto missing = FindDevice({d0}, d1.uuid);
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message().find("GPU-00000000-0000-0000-0000-000000000002") !=
        std::string::npos);
  CHECK(missing.status().message().find("0000:18:00.0") != std::string::npos);
  CHECK(missing.status().message().find("CUDA_VISIBLE_DEVICES") != std::string::npos);
}

}  // namespace
}  // namespace ccs::cuda
