// Element types, reduce ops and collective kinds of the public SDK.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ccs {

enum class DataType {
  kInt8, kUint8, kInt32, kInt64, kFloat16, kBfloat16, kFloat32, kFloat64,
  // Appended after the first eight so those keep their numbers. The float8
  // types are OCP FP8: e4m3 is "e4m3fn" (no infinities, 0x7F/0xFF are NaN,
  // max finite 448), e5m2 is IEEE-like (infinities, max finite 57344).
  kUint32, kUint64, kFloat8E4m3, kFloat8E5m2,
};

enum class ReduceOp { kSum, kProd, kMin, kMax, kAvg };

enum class CollectiveKind {
  kAllReduce, kAllGather, kAllGatherV, kReduceScatter, kReduceScatterV,
  kReduce, kBroadcast, kGather, kScatter, kAllToAll, kAllToAllV,
  kSend, kRecv, kBarrier,
};

// Lifecycle of a group as the daemon reports it (see ccs/inspector.h).
enum class GroupState { kForming, kReady, kBroken, kDestroyed };

size_t DataTypeSize(DataType t);
// Lower-case names: "float32", "sum", "all_reduce".
std::string_view DataTypeName(DataType t);
std::string_view ReduceOpName(ReduceOp op);
std::string_view CollectiveName(CollectiveKind k);
// Upper-case, as the daemon spells it: "READY".
std::string_view GroupStateName(GroupState s);
// Inverse of the names above; nullopt for an unknown name.
std::optional<DataType> ParseDataType(std::string_view name);
std::optional<ReduceOp> ParseReduceOp(std::string_view name);
std::optional<CollectiveKind> ParseCollective(std::string_view name);

}  // namespace ccs
