#include "ccs/types.h"

#include <array>
#include <utility>

namespace ccs {
namespace {

// One table per enum: the names are defined once and both directions use it.
constexpr std::array<std::pair<DataType, std::string_view>, 12> kDataTypeNames{{
    {DataType::kInt8, "int8"},
    {DataType::kUint8, "uint8"},
    {DataType::kInt32, "int32"},
    {DataType::kInt64, "int64"},
    {DataType::kFloat16, "float16"},
    {DataType::kBfloat16, "bfloat16"},
    {DataType::kFloat32, "float32"},
    {DataType::kFloat64, "float64"},
    {DataType::kUint32, "uint32"},
    {DataType::kUint64, "uint64"},
    {DataType::kFloat8E4m3, "float8_e4m3"},
    {DataType::kFloat8E5m2, "float8_e5m2"},
}};

constexpr std::array<std::pair<ReduceOp, std::string_view>, 5> kReduceOpNames{{
    {ReduceOp::kSum, "sum"},
    {ReduceOp::kProd, "prod"},
    {ReduceOp::kMin, "min"},
    {ReduceOp::kMax, "max"},
    {ReduceOp::kAvg, "avg"},
}};

constexpr std::array<std::pair<CollectiveKind, std::string_view>, 14> kCollectiveNames{{
    {CollectiveKind::kAllReduce, "all_reduce"},
    {CollectiveKind::kAllGather, "all_gather"},
    {CollectiveKind::kAllGatherV, "all_gather_v"},
    {CollectiveKind::kReduceScatter, "reduce_scatter"},
    {CollectiveKind::kReduceScatterV, "reduce_scatter_v"},
    {CollectiveKind::kReduce, "reduce"},
    {CollectiveKind::kBroadcast, "broadcast"},
    {CollectiveKind::kGather, "gather"},
    {CollectiveKind::kScatter, "scatter"},
    {CollectiveKind::kAllToAll, "all_to_all"},
    {CollectiveKind::kAllToAllV, "all_to_all_v"},
    {CollectiveKind::kSend, "send"},
    {CollectiveKind::kRecv, "recv"},
    {CollectiveKind::kBarrier, "barrier"},
}};

constexpr std::array<std::pair<GroupState, std::string_view>, 4> kGroupStateNames{{
    {GroupState::kForming, "FORMING"},
    {GroupState::kReady, "READY"},
    {GroupState::kBroken, "BROKEN"},
    {GroupState::kDestroyed, "DESTROYED"},
}};

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& table,
                        Enum value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "?";
}

template <typename Enum, size_t N>
std::optional<Enum> ValueOf(const std::array<std::pair<Enum, std::string_view>, N>& table,
                            std::string_view name) {
  for (const auto& [e, n] : table) {
    if (n == name) return e;
  }
  return std::nullopt;
}

}  // namespace

size_t DataTypeSize(DataType t) {
  switch (t) {
    case DataType::kInt8:
    case DataType::kUint8:
    case DataType::kFloat8E4m3:
    case DataType::kFloat8E5m2:
      return 1;
    case DataType::kFloat16:
    case DataType::kBfloat16:
      return 2;
    case DataType::kInt32:
    case DataType::kUint32:
    case DataType::kFloat32:
      return 4;
    case DataType::kInt64:
    case DataType::kUint64:
    case DataType::kFloat64:
      return 8;
  }
  return 0;
}

std::string_view DataTypeName(DataType t) { return NameOf(kDataTypeNames, t); }
std::string_view ReduceOpName(ReduceOp op) { return NameOf(kReduceOpNames, op); }
std::string_view CollectiveName(CollectiveKind k) { return NameOf(kCollectiveNames, k); }
std::string_view GroupStateName(GroupState s) { return NameOf(kGroupStateNames, s); }

std::optional<DataType> ParseDataType(std::string_view name) {
  return ValueOf(kDataTypeNames, name);
}
std::optional<ReduceOp> ParseReduceOp(std::string_view name) {
  return ValueOf(kReduceOpNames, name);
}
std::optional<CollectiveKind> ParseCollective(std::string_view name) {
  return ValueOf(kCollectiveNames, name);
}

}  // namespace ccs
