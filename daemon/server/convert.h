// The one place that maps ccs.v1 protobuf types to domain types and back,
// and domain Status to grpc::Status.
#pragma once

#include <grpcpp/support/status.h>

#include "ccs/v1/buffer.pb.h"
#include "ccs/v1/collective.pb.h"
#include "ccs/v1/inspection.pb.h"
#include "ccs/v1/metadata.pb.h"
#include "ccs/v1/types.pb.h"
#include "daemon/core/call.h"
#include "daemon/core/group.h"
#include "daemon/core/status.h"
#include "daemon/core/types.h"
#include "daemon/engine/cuda/device_buffer.h"
#include "daemon/meta/metadata_plane.h"

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

// Metadata plane requests (no check beyond the wire format: the plane checks
// ranks and sizes) and results.
meta::ObjectCall FromProto(const v1::BroadcastObjectRequest& request);
meta::ObjectCall FromProto(const v1::AllGatherObjectRequest& request);
meta::ObjectCall FromProto(const v1::ScatterObjectRequest& request);
meta::ObjectCall FromProto(const v1::SendObjectRequest& request);
meta::ObjectCall FromProto(const v1::RecvObjectRequest& request);
meta::KvCall FromProto(const v1::KvSetRequest& request);
meta::KvCall FromProto(const v1::KvGetRequest& request);
meta::KvCall FromProto(const v1::KvWaitRequest& request);
meta::KvCall FromProto(const v1::KvAddRequest& request);
meta::KvCall FromProto(const v1::KvCompareAndSetRequest& request);
meta::KvCall FromProto(const v1::KvDeleteRequest& request);
void ToProto(meta::ObjectResult result, v1::ObjectResponse* out);

v1::DataType ToProto(DataType t);
v1::ReduceOp ToProto(ReduceOp op);
v1::CollectiveKind ToProto(CollectiveKind k);
v1::GroupState ToProto(GroupState s);
void ToProto(const GroupView& view, v1::GroupSummary* out);
void ToProto(const InFlightView& op, v1::InFlightOp* out);
// This daemon's own view (`self_node` is its node name): every member,
// the in-flight ops it knows, and the group's nodes (only self on a single
// node; a multi-node group's other nodes listed unanswered).
void ToProto(const GroupView& view, const std::string& self_node,
             v1::DescribeGroupResponse* out);
// Times become wall-clock microseconds as read when `dump` was taken; fields
// a kind does not use stay unset (UNSPECIFIED, no root/peer).
void ToProto(const GroupDump& dump, v1::DumpGroupResponse* out);

}  // namespace ccs::server
