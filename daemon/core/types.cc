#include "daemon/core/types.h"

namespace ccs {

size_t DataTypeSize(DataType t) {
  switch (t) {
    case DataType::kInt8:
    case DataType::kUint8:
    case DataType::kFloat8E4m3:
    case DataType::kFloat8E5m2: return 1;
    case DataType::kFloat16:
    case DataType::kBfloat16: return 2;
    case DataType::kInt32:
    case DataType::kUint32:
    case DataType::kFloat32: return 4;
    case DataType::kInt64:
    case DataType::kUint64:
    case DataType::kFloat64: return 8;
  }
  return 0;
}

std::string_view DataTypeName(DataType t) {
  switch (t) {
    case DataType::kInt8: return "int8";
    case DataType::kUint8: return "uint8";
    case DataType::kInt32: return "int32";
    case DataType::kInt64: return "int64";
    case DataType::kFloat16: return "float16";
    case DataType::kBfloat16: return "bfloat16";
    case DataType::kFloat32: return "float32";
    case DataType::kFloat64: return "float64";
    case DataType::kUint32: return "uint32";
    case DataType::kUint64: return "uint64";
    case DataType::kFloat8E4m3: return "float8_e4m3";
    case DataType::kFloat8E5m2: return "float8_e5m2";
  }
  return "?";
}

std::string_view ReduceOpName(ReduceOp op) {
  switch (op) {
    case ReduceOp::kSum: return "sum";
    case ReduceOp::kProd: return "prod";
    case ReduceOp::kMin: return "min";
    case ReduceOp::kMax: return "max";
    case ReduceOp::kAvg: return "avg";
  }
  return "?";
}

std::string_view CollectiveName(CollectiveKind k) {
  switch (k) {
    case CollectiveKind::kAllReduce: return "all_reduce";
    case CollectiveKind::kAllGather: return "all_gather";
    case CollectiveKind::kAllGatherV: return "all_gather_v";
    case CollectiveKind::kReduceScatter: return "reduce_scatter";
    case CollectiveKind::kReduceScatterV: return "reduce_scatter_v";
    case CollectiveKind::kReduce: return "reduce";
    case CollectiveKind::kBroadcast: return "broadcast";
    case CollectiveKind::kGather: return "gather";
    case CollectiveKind::kScatter: return "scatter";
    case CollectiveKind::kAllToAll: return "all_to_all";
    case CollectiveKind::kAllToAllV: return "all_to_all_v";
    case CollectiveKind::kSend: return "send";
    case CollectiveKind::kRecv: return "recv";
    case CollectiveKind::kBarrier: return "barrier";
  }
  return "?";
}

std::string_view GroupStateName(GroupState s) {
  switch (s) {
    case GroupState::kForming: return "FORMING";
    case GroupState::kReady: return "READY";
    case GroupState::kBroken: return "BROKEN";
    case GroupState::kDestroyed: return "DESTROYED";
  }
  return "?";
}

bool IsReduction(CollectiveKind k) {
  return k == CollectiveKind::kAllReduce || k == CollectiveKind::kReduceScatter ||
         k == CollectiveKind::kReduceScatterV || k == CollectiveKind::kReduce;
}

bool IsRooted(CollectiveKind k) {
  return k == CollectiveKind::kReduce || k == CollectiveKind::kBroadcast ||
         k == CollectiveKind::kGather || k == CollectiveKind::kScatter;
}

bool IsVariable(CollectiveKind k) {
  return k == CollectiveKind::kAllGatherV || k == CollectiveKind::kReduceScatterV ||
         k == CollectiveKind::kAllToAllV;
}

bool IsPointToPoint(CollectiveKind k) {
  return k == CollectiveKind::kSend || k == CollectiveKind::kRecv;
}

}  // namespace ccs
