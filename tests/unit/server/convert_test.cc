// The daemon's ccs.v1 <-> domain conversions of element types, and the
// domain types' sizes and names.
#include "daemon/server/convert.h"

#include <catch2/catch.hpp>

#include "daemon/core/types.h"

namespace ccs::server {
namespace {

struct DtypeRow {
  v1::DataType wire;
  DataType dtype;
  size_t size;
  std::string_view name;
};

constexpr DtypeRow kDtypes[] = {
    {v1::DATA_TYPE_INT8, DataType::kInt8, 1, "int8"},
    {v1::DATA_TYPE_UINT8, DataType::kUint8, 1, "uint8"},
    {v1::DATA_TYPE_INT32, DataType::kInt32, 4, "int32"},
    {v1::DATA_TYPE_INT64, DataType::kInt64, 8, "int64"},
    {v1::DATA_TYPE_FLOAT16, DataType::kFloat16, 2, "float16"},
    {v1::DATA_TYPE_BFLOAT16, DataType::kBfloat16, 2, "bfloat16"},
    {v1::DATA_TYPE_FLOAT32, DataType::kFloat32, 4, "float32"},
    {v1::DATA_TYPE_FLOAT64, DataType::kFloat64, 8, "float64"},
    {v1::DATA_TYPE_UINT32, DataType::kUint32, 4, "uint32"},
    {v1::DATA_TYPE_UINT64, DataType::kUint64, 8, "uint64"},
    {v1::DATA_TYPE_FLOAT8_E4M3, DataType::kFloat8E4m3, 1, "float8_e4m3"},
    {v1::DATA_TYPE_FLOAT8_E5M2, DataType::kFloat8E5m2, 1, "float8_e5m2"},
};

TEST_CASE("every ccs.v1 data type converts to the daemon's, with its size and name",
          "[convert]") {
  for (const DtypeRow& row : kDtypes) {
    CAPTURE(row.name);
    StatusOr<DataType> dtype = FromProto(row.wire);
    REQUIRE(dtype.ok());
    CHECK(*dtype == row.dtype);
    CHECK(DataTypeSize(row.dtype) == row.size);
    CHECK(DataTypeName(row.dtype) == row.name);
  }
}

TEST_CASE("the appended data types keep the first eight's numbers", "[convert]") {
  CHECK(static_cast<int>(DataType::kFloat64) == 7);
  CHECK(static_cast<int>(DataType::kUint32) == 8);
  CHECK(static_cast<int>(DataType::kFloat8E5m2) == 11);
  CHECK(v1::DATA_TYPE_FLOAT64 == 8);
  CHECK(v1::DATA_TYPE_FLOAT8_E5M2 == 12);
}

TEST_CASE("an unspecified or unknown ccs.v1 data type is INVALID_ARGUMENT", "[convert]") {
  CHECK(FromProto(v1::DATA_TYPE_UNSPECIFIED).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(FromProto(static_cast<v1::DataType>(13)).status().code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccs::server
