// The one boundary between SDK types and ccs.v1 protobuf / gRPC types.
// Only client/src includes this file.
#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string_view>

#include "ccs/error.h"
#include "ccs/types.h"
#include "ccs/v1/types.pb.h"

namespace ccs::convert {

v1::DataType ToProto(DataType t);
v1::ReduceOp ToProto(ReduceOp op);
v1::CollectiveKind ToProto(CollectiveKind k);

// nullopt for UNSPECIFIED or a value this SDK does not know (newer daemon).
std::optional<DataType> FromProto(v1::DataType t);
std::optional<ReduceOp> FromProto(v1::ReduceOp op);
std::optional<CollectiveKind> FromProto(v1::CollectiveKind k);
std::optional<GroupState> FromProto(v1::GroupState s);
// "host_shm", or "unknown".
std::string_view BufferKindName(v1::BufferKind kind);

// Same numeric code; a code outside gRPC's range becomes UNKNOWN.
Code ToCode(grpc::StatusCode code);
// grpc::Status -> Error, keeping the daemon's message (the code's name when
// the message is empty). `status` must not be OK.
Error ToError(const grpc::Status& status);

}  // namespace ccs::convert
