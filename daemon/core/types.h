// Domain vocabulary of collectives: element types, reduce ops, collective
// kinds and group states. Mirrors proto/ccs/v1/types.proto without depending
// on protobuf; daemon/server/convert.* maps between the two.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ccs {

enum class DataType : uint8_t {
  kInt8, kUint8, kInt32, kInt64, kFloat16, kBfloat16, kFloat32, kFloat64,
  // Appended after the first eight so those keep their numbers. The float8
  // types are OCP FP8: e4m3 is "e4m3fn" (no infinities, 0x7F/0xFF are NaN,
  // max finite 448), e5m2 is IEEE-like (infinities, max finite 57344).
  kUint32, kUint64, kFloat8E4m3, kFloat8E5m2,
};

enum class ReduceOp : uint8_t { kSum, kProd, kMin, kMax, kAvg };

enum class CollectiveKind : uint8_t {
  kAllReduce, kAllGather, kAllGatherV, kReduceScatter, kReduceScatterV,
  kReduce, kBroadcast, kGather, kScatter, kAllToAll, kAllToAllV,
  kSend, kRecv, kBarrier,
};

enum class GroupState : uint8_t { kForming, kReady, kBroken, kDestroyed };

// Bytes per element.
size_t DataTypeSize(DataType t);
// Lower-case names as the SDK, ccsctl and error messages spell them:
// "float32", "sum", "all_reduce", "READY".
std::string_view DataTypeName(DataType t);
std::string_view ReduceOpName(ReduceOp op);
std::string_view CollectiveName(CollectiveKind k);
std::string_view GroupStateName(GroupState s);

// Properties of a collective kind.
bool IsReduction(CollectiveKind k);   // uses a ReduceOp
bool IsRooted(CollectiveKind k);      // uses a root rank
bool IsVariable(CollectiveKind k);    // takes per-rank counts
bool IsPointToPoint(CollectiveKind k);  // send / recv

}  // namespace ccs
