// The one place that maps ccs.v1 protobuf types to domain types and back,
// and domain Status to grpc::Status.
#pragma once

#include <grpcpp/support/status.h>

#include "ccs/v1/buffer.pb.h"
#include "ccs/v1/collective.pb.h"
#include "ccs/v1/inspection.pb.h"
#include "ccs/v1/types.pb.h"
#include "daemon/core/call.h"
#include "daemon/core/group.h"
#include "daemon/core/status.h"
#include "daemon/core/types.h"
#include "daemon/engine/cuda/device_buffer.h"

namespace ccs::server {

grpc::Status ToGrpc(const Status& status);

// INVALID_ARGUMENT naming the field for UNSPECIFIED or unknown values.
StatusOr<DataType> FromProto(v1::DataType t);
StatusOr<ReduceOp> FromProto(v1::ReduceOp op);
StatusOr<CollectiveKind> FromProto(v1::CollectiveKind k);
// The whole request, checked for the enums its kind needs.
StatusOr<CollectiveCall> FromProto(const v1::RunCollectiveRequest& request);
// A device buffer of `size_bytes` registered bytes: INVALID_ARGUMENT naming
// the field for a handle that is not 64 bytes, a UUID that is not 16, or a
// range outside the allocation (ValidateDeviceBuffer).
StatusOr<cuda::DeviceBufferDesc> FromProto(const v1::CudaIpcBuffer& buffer,
                                           uint64_t size_bytes);
StatusOr<cuda::IpcEventDesc> FromProto(const v1::CudaIpcEvent& event);

v1::DataType ToProto(DataType t);
v1::ReduceOp ToProto(ReduceOp op);
v1::CollectiveKind ToProto(CollectiveKind k);
v1::GroupState ToProto(GroupState s);
void ToProto(const GroupView& view, v1::GroupSummary* out);
void ToProto(const GroupView& view, v1::DescribeGroupResponse* out);
// Times become wall-clock microseconds as read when `dump` was taken; fields
// a kind does not use stay unset (UNSPECIFIED, no root/peer).
void ToProto(const GroupDump& dump, v1::DumpGroupResponse* out);

}  // namespace ccs::server
