#include "client/src/convert.h"

#include <catch2/catch.hpp>

namespace ccs {
namespace {

TEST_CASE("data types survive a round trip through ccs.v1", "[convert]") {
  for (int t = 0; t <= static_cast<int>(DataType::kFloat8E5m2); ++t) {
    const auto dtype = static_cast<DataType>(t);
    REQUIRE(convert::ToProto(dtype) != v1::DATA_TYPE_UNSPECIFIED);
    REQUIRE(convert::FromProto(convert::ToProto(dtype)) == dtype);
  }
}

TEST_CASE("reduce ops survive a round trip through ccs.v1", "[convert]") {
  for (int o = 0; o <= static_cast<int>(ReduceOp::kAvg); ++o) {
    const auto op = static_cast<ReduceOp>(o);
    REQUIRE(convert::ToProto(op) != v1::REDUCE_OP_UNSPECIFIED);
    REQUIRE(convert::FromProto(convert::ToProto(op)) == op);
  }
}

TEST_CASE("collective kinds survive a round trip through ccs.v1", "[convert]") {
  for (int k = 0; k <= static_cast<int>(CollectiveKind::kBarrier); ++k) {
    const auto kind = static_cast<CollectiveKind>(k);
    REQUIRE(convert::ToProto(kind) != v1::COLLECTIVE_KIND_UNSPECIFIED);
    REQUIRE(convert::FromProto(convert::ToProto(kind)) == kind);
  }
}

TEST_CASE("proto enum values map to the SDK's by name", "[convert]") {
  REQUIRE(convert::ToProto(CollectiveKind::kAllToAll) == v1::COLLECTIVE_KIND_ALL_TO_ALL);
  REQUIRE(convert::ToProto(DataType::kBfloat16) == v1::DATA_TYPE_BFLOAT16);
  REQUIRE(convert::ToProto(DataType::kUint32) == v1::DATA_TYPE_UINT32);
  REQUIRE(convert::ToProto(DataType::kUint64) == v1::DATA_TYPE_UINT64);
  REQUIRE(convert::ToProto(DataType::kFloat8E4m3) == v1::DATA_TYPE_FLOAT8_E4M3);
  REQUIRE(convert::ToProto(DataType::kFloat8E5m2) == v1::DATA_TYPE_FLOAT8_E5M2);
  // Appended values: the first eight keep their wire numbers.
  REQUIRE(v1::DATA_TYPE_FLOAT64 == 8);
  REQUIRE(v1::DATA_TYPE_UINT32 == 9);
  REQUIRE(v1::DATA_TYPE_FLOAT8_E5M2 == 12);
  REQUIRE(convert::FromProto(v1::GROUP_STATE_READY) == GroupState::kReady);
  REQUIRE(convert::FromProto(v1::GROUP_STATE_DESTROYED) == GroupState::kDestroyed);
  REQUIRE(convert::BufferKindName(v1::BUFFER_KIND_HOST_SHM) == "host_shm");
}

TEST_CASE("unspecified or unknown proto values convert to nullopt", "[convert]") {
  REQUIRE_FALSE(convert::FromProto(v1::DATA_TYPE_UNSPECIFIED));
  REQUIRE_FALSE(convert::FromProto(static_cast<v1::DataType>(99)));
  REQUIRE_FALSE(convert::FromProto(v1::COLLECTIVE_KIND_UNSPECIFIED));
  REQUIRE_FALSE(convert::FromProto(v1::GROUP_STATE_UNSPECIFIED));
  REQUIRE(convert::BufferKindName(v1::BUFFER_KIND_UNSPECIFIED) == "unknown");
}

}  // namespace
}  // namespace ccs
