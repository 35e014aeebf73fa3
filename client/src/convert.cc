#include "client/src/convert.h"

#include <string>

namespace ccs::convert {

v1::DataType ToProto(DataType t) {
  switch (t) {
    case DataType::kInt8:
      return v1::DATA_TYPE_INT8;
    case DataType::kUint8:
      return v1::DATA_TYPE_UINT8;
    case DataType::kInt32:
      return v1::DATA_TYPE_INT32;
    case DataType::kInt64:
      return v1::DATA_TYPE_INT64;
    case DataType::kFloat16:
      return v1::DATA_TYPE_FLOAT16;
    case DataType::kBfloat16:
      return v1::DATA_TYPE_BFLOAT16;
    case DataType::kFloat32:
      return v1::DATA_TYPE_FLOAT32;
    case DataType::kFloat64:
      return v1::DATA_TYPE_FLOAT64;
    case DataType::kUint32:
      return v1::DATA_TYPE_UINT32;
    case DataType::kUint64:
      return v1::DATA_TYPE_UINT64;
    case DataType::kFloat8E4m3:
      return v1::DATA_TYPE_FLOAT8_E4M3;
    case DataType::kFloat8E5m2:
      return v1::DATA_TYPE_FLOAT8_E5M2;
  }
  return v1::DATA_TYPE_UNSPECIFIED;
}

v1::ReduceOp ToProto(ReduceOp op) {
  switch (op) {
    case ReduceOp::kSum:
      return v1::REDUCE_OP_SUM;
    case ReduceOp::kProd:
      return v1::REDUCE_OP_PROD;
    case ReduceOp::kMin:
      return v1::REDUCE_OP_MIN;
    case ReduceOp::kMax:
      return v1::REDUCE_OP_MAX;
    case ReduceOp::kAvg:
      return v1::REDUCE_OP_AVG;
  }
  return v1::REDUCE_OP_UNSPECIFIED;
}

v1::CollectiveKind ToProto(CollectiveKind k) {
  switch (k) {
    case CollectiveKind::kAllReduce:
      return v1::COLLECTIVE_KIND_ALL_REDUCE;
    case CollectiveKind::kAllGather:
      return v1::COLLECTIVE_KIND_ALL_GATHER;
    case CollectiveKind::kAllGatherV:
      return v1::COLLECTIVE_KIND_ALL_GATHER_V;
    case CollectiveKind::kReduceScatter:
      return v1::COLLECTIVE_KIND_REDUCE_SCATTER;
    case CollectiveKind::kReduceScatterV:
      return v1::COLLECTIVE_KIND_REDUCE_SCATTER_V;
    case CollectiveKind::kReduce:
      return v1::COLLECTIVE_KIND_REDUCE;
    case CollectiveKind::kBroadcast:
      return v1::COLLECTIVE_KIND_BROADCAST;
    case CollectiveKind::kGather:
      return v1::COLLECTIVE_KIND_GATHER;
    case CollectiveKind::kScatter:
      return v1::COLLECTIVE_KIND_SCATTER;
    case CollectiveKind::kAllToAll:
      return v1::COLLECTIVE_KIND_ALL_TO_ALL;
    case CollectiveKind::kAllToAllV:
      return v1::COLLECTIVE_KIND_ALL_TO_ALL_V;
    case CollectiveKind::kSend:
      return v1::COLLECTIVE_KIND_SEND;
    case CollectiveKind::kRecv:
      return v1::COLLECTIVE_KIND_RECV;
    case CollectiveKind::kBarrier:
      return v1::COLLECTIVE_KIND_BARRIER;
  }
  return v1::COLLECTIVE_KIND_UNSPECIFIED;
}

std::optional<DataType> FromProto(v1::DataType t) {
  switch (t) {
    case v1::DATA_TYPE_INT8:
      return DataType::kInt8;
    case v1::DATA_TYPE_UINT8:
      return DataType::kUint8;
    case v1::DATA_TYPE_INT32:
      return DataType::kInt32;
    case v1::DATA_TYPE_INT64:
      return DataType::kInt64;
    case v1::DATA_TYPE_FLOAT16:
      return DataType::kFloat16;
    case v1::DATA_TYPE_BFLOAT16:
      return DataType::kBfloat16;
    case v1::DATA_TYPE_FLOAT32:
      return DataType::kFloat32;
    case v1::DATA_TYPE_FLOAT64:
      return DataType::kFloat64;
    case v1::DATA_TYPE_UINT32:
      return DataType::kUint32;
    case v1::DATA_TYPE_UINT64:
      return DataType::kUint64;
    case v1::DATA_TYPE_FLOAT8_E4M3:
      return DataType::kFloat8E4m3;
    case v1::DATA_TYPE_FLOAT8_E5M2:
      return DataType::kFloat8E5m2;
    default:
      return std::nullopt;
  }
}

std::optional<ReduceOp> FromProto(v1::ReduceOp op) {
  switch (op) {
    case v1::REDUCE_OP_SUM:
      return ReduceOp::kSum;
    case v1::REDUCE_OP_PROD:
      return ReduceOp::kProd;
    case v1::REDUCE_OP_MIN:
      return ReduceOp::kMin;
    case v1::REDUCE_OP_MAX:
      return ReduceOp::kMax;
    case v1::REDUCE_OP_AVG:
      return ReduceOp::kAvg;
    default:
      return std::nullopt;
  }
}

std::optional<CollectiveKind> FromProto(v1::CollectiveKind k) {
  switch (k) {
    case v1::COLLECTIVE_KIND_ALL_REDUCE:
      return CollectiveKind::kAllReduce;
    case v1::COLLECTIVE_KIND_ALL_GATHER:
      return CollectiveKind::kAllGather;
    case v1::COLLECTIVE_KIND_ALL_GATHER_V:
      return CollectiveKind::kAllGatherV;
    case v1::COLLECTIVE_KIND_REDUCE_SCATTER:
      return CollectiveKind::kReduceScatter;
    case v1::COLLECTIVE_KIND_REDUCE_SCATTER_V:
      return CollectiveKind::kReduceScatterV;
    case v1::COLLECTIVE_KIND_REDUCE:
      return CollectiveKind::kReduce;
    case v1::COLLECTIVE_KIND_BROADCAST:
      return CollectiveKind::kBroadcast;
    case v1::COLLECTIVE_KIND_GATHER:
      return CollectiveKind::kGather;
    case v1::COLLECTIVE_KIND_SCATTER:
      return CollectiveKind::kScatter;
    case v1::COLLECTIVE_KIND_ALL_TO_ALL:
      return CollectiveKind::kAllToAll;
    case v1::COLLECTIVE_KIND_ALL_TO_ALL_V:
      return CollectiveKind::kAllToAllV;
    case v1::COLLECTIVE_KIND_SEND:
      return CollectiveKind::kSend;
    case v1::COLLECTIVE_KIND_RECV:
      return CollectiveKind::kRecv;
    case v1::COLLECTIVE_KIND_BARRIER:
      return CollectiveKind::kBarrier;
    default:
      return std::nullopt;
  }
}

std::optional<GroupState> FromProto(v1::GroupState s) {
  switch (s) {
    case v1::GROUP_STATE_FORMING:
      return GroupState::kForming;
    case v1::GROUP_STATE_READY:
      return GroupState::kReady;
    case v1::GROUP_STATE_BROKEN:
      return GroupState::kBroken;
    case v1::GROUP_STATE_DESTROYED:
      return GroupState::kDestroyed;
    default:
      return std::nullopt;
  }
}

std::string_view BufferKindName(v1::BufferKind kind) {
  switch (kind) {
    case v1::BUFFER_KIND_HOST_SHM: return "host_shm";
    case v1::BUFFER_KIND_CUDA_IPC: return "cuda_ipc";
    default: return "unknown";
  }
}

Code ToCode(grpc::StatusCode code) {
  const int value = static_cast<int>(code);
  if (value < 0 || value > static_cast<int>(Code::kUnauthenticated)) {
    return Code::kUnknown;
  }
  return static_cast<Code>(value);
}

Error ToError(const grpc::Status& status) {
  const Code code = ToCode(status.error_code());
  std::string message = status.error_message();
  if (message.empty()) message = std::string(CodeName(code));
  return Error(code, std::move(message));
}

}  // namespace ccs::convert
