#include "ccs/types.h"

#include <catch2/catch.hpp>

namespace ccs {
namespace {

TEST_CASE("every data type name parses back to the same type", "[types]") {
  for (DataType t : {DataType::kInt8, DataType::kUint8, DataType::kInt32,
                     DataType::kInt64, DataType::kFloat16, DataType::kBfloat16,
                     DataType::kFloat32, DataType::kFloat64, DataType::kUint32,
                     DataType::kUint64, DataType::kFloat8E4m3, DataType::kFloat8E5m2}) {
    REQUIRE(DataTypeName(t) != "?");
    CAPTURE(DataTypeName(t));
    REQUIRE(ParseDataType(DataTypeName(t)) == t);
  }
}

TEST_CASE("every reduce op name parses back to the same op", "[types]") {
  for (ReduceOp op : {ReduceOp::kSum, ReduceOp::kProd, ReduceOp::kMin, ReduceOp::kMax,
                      ReduceOp::kAvg}) {
    REQUIRE(ParseReduceOp(ReduceOpName(op)) == op);
  }
}

TEST_CASE("every collective name parses back to the same collective", "[types]") {
  for (int k = 0; k <= static_cast<int>(CollectiveKind::kBarrier); ++k) {
    const auto kind = static_cast<CollectiveKind>(k);
    CAPTURE(CollectiveName(kind));
    REQUIRE(CollectiveName(kind) != "?");
    REQUIRE(ParseCollective(CollectiveName(kind)) == kind);
  }
}

TEST_CASE("names are the lower-case spellings the daemon and ccsctl use", "[types]") {
  REQUIRE(DataTypeName(DataType::kBfloat16) == "bfloat16");
  REQUIRE(DataTypeName(DataType::kUint32) == "uint32");
  REQUIRE(DataTypeName(DataType::kUint64) == "uint64");
  REQUIRE(DataTypeName(DataType::kFloat8E4m3) == "float8_e4m3");
  REQUIRE(DataTypeName(DataType::kFloat8E5m2) == "float8_e5m2");
  REQUIRE(ReduceOpName(ReduceOp::kAvg) == "avg");
  REQUIRE(CollectiveName(CollectiveKind::kAllReduce) == "all_reduce");
  REQUIRE(CollectiveName(CollectiveKind::kAllToAllV) == "all_to_all_v");
  REQUIRE(GroupStateName(GroupState::kBroken) == "BROKEN");
}

TEST_CASE("unknown or differently spelled names do not parse", "[types]") {
  REQUIRE_FALSE(ParseDataType("float"));
  REQUIRE_FALSE(ParseDataType("Float32"));
  REQUIRE_FALSE(ParseDataType(""));
  REQUIRE_FALSE(ParseReduceOp("add"));
  REQUIRE_FALSE(ParseCollective("allreduce"));
}

TEST_CASE("the first eight data types keep their numbers", "[types]") {
  REQUIRE(static_cast<int>(DataType::kFloat64) == 7);
  REQUIRE(static_cast<int>(DataType::kUint32) == 8);
  REQUIRE(static_cast<int>(DataType::kFloat8E5m2) == 11);
}

TEST_CASE("data type sizes are the element widths", "[types]") {
  REQUIRE(DataTypeSize(DataType::kInt8) == 1);
  REQUIRE(DataTypeSize(DataType::kUint8) == 1);
  REQUIRE(DataTypeSize(DataType::kFloat16) == 2);
  REQUIRE(DataTypeSize(DataType::kBfloat16) == 2);
  REQUIRE(DataTypeSize(DataType::kInt32) == 4);
  REQUIRE(DataTypeSize(DataType::kFloat32) == 4);
  REQUIRE(DataTypeSize(DataType::kInt64) == 8);
  REQUIRE(DataTypeSize(DataType::kFloat64) == 8);
  REQUIRE(DataTypeSize(DataType::kUint32) == 4);
  REQUIRE(DataTypeSize(DataType::kUint64) == 8);
  REQUIRE(DataTypeSize(DataType::kFloat8E4m3) == 1);
  REQUIRE(DataTypeSize(DataType::kFloat8E5m2) == 1);
}

}  // namespace
}  // namespace ccs
