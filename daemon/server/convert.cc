#include "daemon/server/convert.h"

namespace ccs::server {

grpc::Status ToGrpc(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), status.message());
}

StatusOr<DataType> FromProto(v1::DataType t) {
  switch (t) {
    case v1::DATA_TYPE_INT8: return DataType::kInt8;
    case v1::DATA_TYPE_UINT8: return DataType::kUint8;
    case v1::DATA_TYPE_INT32: return DataType::kInt32;
    case v1::DATA_TYPE_INT64: return DataType::kInt64;
    case v1::DATA_TYPE_FLOAT16: return DataType::kFloat16;
    case v1::DATA_TYPE_BFLOAT16: return DataType::kBfloat16;
    case v1::DATA_TYPE_FLOAT32: return DataType::kFloat32;
    case v1::DATA_TYPE_FLOAT64: return DataType::kFloat64;
    case v1::DATA_TYPE_UINT32: return DataType::kUint32;
    case v1::DATA_TYPE_UINT64: return DataType::kUint64;
    case v1::DATA_TYPE_FLOAT8_E4M3: return DataType::kFloat8E4m3;
    case v1::DATA_TYPE_FLOAT8_E5M2: return DataType::kFloat8E5m2;
    default: return InvalidArgument("dtype is unspecified or unknown (" + std::to_string(t) + ")");
  }
}

StatusOr<ReduceOp> FromProto(v1::ReduceOp op) {
  switch (op) {
    case v1::REDUCE_OP_SUM: return ReduceOp::kSum;
    case v1::REDUCE_OP_PROD: return ReduceOp::kProd;
    case v1::REDUCE_OP_MIN: return ReduceOp::kMin;
    case v1::REDUCE_OP_MAX: return ReduceOp::kMax;
    case v1::REDUCE_OP_AVG: return ReduceOp::kAvg;
    default: return InvalidArgument("op is unspecified or unknown (" + std::to_string(op) + ")");
  }
}

StatusOr<CollectiveKind> FromProto(v1::CollectiveKind k) {
  switch (k) {
    case v1::COLLECTIVE_KIND_ALL_REDUCE: return CollectiveKind::kAllReduce;
    case v1::COLLECTIVE_KIND_ALL_GATHER: return CollectiveKind::kAllGather;
    case v1::COLLECTIVE_KIND_ALL_GATHER_V: return CollectiveKind::kAllGatherV;
    case v1::COLLECTIVE_KIND_REDUCE_SCATTER: return CollectiveKind::kReduceScatter;
    case v1::COLLECTIVE_KIND_REDUCE_SCATTER_V: return CollectiveKind::kReduceScatterV;
    case v1::COLLECTIVE_KIND_REDUCE: return CollectiveKind::kReduce;
    case v1::COLLECTIVE_KIND_BROADCAST: return CollectiveKind::kBroadcast;
    case v1::COLLECTIVE_KIND_GATHER: return CollectiveKind::kGather;
    case v1::COLLECTIVE_KIND_SCATTER: return CollectiveKind::kScatter;
    case v1::COLLECTIVE_KIND_ALL_TO_ALL: return CollectiveKind::kAllToAll;
    case v1::COLLECTIVE_KIND_ALL_TO_ALL_V: return CollectiveKind::kAllToAllV;
    case v1::COLLECTIVE_KIND_SEND: return CollectiveKind::kSend;
    case v1::COLLECTIVE_KIND_RECV: return CollectiveKind::kRecv;
    case v1::COLLECTIVE_KIND_BARRIER: return CollectiveKind::kBarrier;
    default: return InvalidArgument("collective kind is unspecified or unknown (" + std::to_string(k) + ")");
  }
}

StatusOr<CollectiveCall> FromProto(const v1::RunCollectiveRequest& r) {
  CollectiveCall call;
  ASSIGN_OR_RETURN(call.kind, FromProto(r.kind()));
  if (call.kind != CollectiveKind::kBarrier) {
    ASSIGN_OR_RETURN(call.dtype, FromProto(r.dtype()));
  }
  if (IsReduction(call.kind)) {
    ASSIGN_OR_RETURN(call.op, FromProto(r.op()));
  }
  call.count = r.count();
  call.counts.assign(r.counts().begin(), r.counts().end());
  call.send_counts.assign(r.send_counts().begin(), r.send_counts().end());
  call.recv_counts.assign(r.recv_counts().begin(), r.recv_counts().end());
  call.root = r.root();
  call.peer = r.peer();
  if (r.has_send()) call.send = BufferRefValue{r.send().buffer_id(), r.send().offset()};
  if (r.has_recv()) call.recv = BufferRefValue{r.recv().buffer_id(), r.recv().offset()};
  call.timeout = std::chrono::milliseconds(r.timeout_ms());
  call.stream_id = r.stream_id();
  return call;
}

v1::DataType ToProto(DataType t) {
  return static_cast<v1::DataType>(static_cast<int>(t) + 1);
}

v1::ReduceOp ToProto(ReduceOp op) {
  return static_cast<v1::ReduceOp>(static_cast<int>(op) + 1);
}

v1::CollectiveKind ToProto(CollectiveKind k) {
  return static_cast<v1::CollectiveKind>(static_cast<int>(k) + 1);
}

v1::GroupState ToProto(GroupState s) {
  return static_cast<v1::GroupState>(static_cast<int>(s) + 1);
}

void ToProto(const GroupView& v, v1::GroupSummary* out) {
  out->set_group_id(v.id);
  out->set_name(v.name);
  out->set_epoch(v.epoch);
  out->set_state(ToProto(v.state));
  out->set_world_size(v.world_size);
  out->set_joined(v.joined);
  out->set_completed_seq(v.completed_seq);
  out->set_in_flight_ops(static_cast<uint32_t>(v.in_flight.size()));
  out->set_broken_reason(v.broken_reason);
  out->set_age_ms(static_cast<uint64_t>(v.age.count()));
}

void ToProto(const InFlightView& f, v1::InFlightOp* p) {
  p->set_seq(f.seq);
  p->set_kind(ToProto(f.call.kind));
  p->set_dtype(ToProto(f.call.dtype));
  p->set_count(f.call.count);
  for (size_t i = 0; i < f.arrived.size(); ++i) {
    p->add_arrived_ranks(f.arrived[i]);
    v1::ArrivedRank* a = p->add_arrivals();
    a->set_rank(f.arrived[i]);
    if (i < f.arrived_waiting.size()) {
      a->set_waiting_ms(static_cast<uint64_t>(f.arrived_waiting[i].count()));
    }
  }
  for (uint32_t r : f.missing) p->add_missing_ranks(r);
  for (uint32_t r : f.elsewhere) p->add_unknown_ranks(r);
  p->set_waiting_ms(static_cast<uint64_t>(f.waiting.count()));
}

void ToProto(const GroupView& v, const std::string& self_node,
             v1::DescribeGroupResponse* out) {
  ToProto(v, out->mutable_group());
  for (const MemberView& m : v.members) {
    v1::MemberInfo* p = out->add_members();
    p->set_rank(m.rank);
    p->set_joined(m.joined);
    p->set_session_id(m.session_id);
    p->set_pid(m.pid);
    p->set_uid(m.uid);
    p->set_last_completed_seq(m.last_completed_seq);
    p->set_alive(m.alive);
    p->set_node(m.node.empty() ? self_node : m.node);
    p->set_remote(m.remote);
    if (m.last_completed_kind) p->set_last_completed_kind(ToProto(*m.last_completed_kind));
  }
  for (const InFlightView& f : v.in_flight) ToProto(f, out->add_in_flight());
  if (v.nodes.empty()) {
    v1::GroupNode* n = out->add_nodes();
    n->set_name(self_node);
    n->set_self(true);
    n->set_answered(true);
    n->set_state(ToProto(v.state));
    for (const MemberView& m : v.members) {
      if (!m.remote) n->add_ranks(m.rank);
    }
  }
  for (const NodeView& node : v.nodes) {
    v1::GroupNode* n = out->add_nodes();
    n->set_name(node.name);
    n->set_peer_address(node.peer_address);
    n->set_self(node.self);
    n->set_answered(node.self);
    if (node.self) n->set_state(ToProto(v.state));
    for (uint32_t r : node.ranks) n->add_ranks(r);
  }
}

void ToProto(const GroupDump& dump, v1::DumpGroupResponse* out) {
  ToProto(dump.view, out->mutable_group());
  out->set_capacity(dump.flight.capacity);
  out->set_recorded_ops(dump.flight.recorded);
  for (const OpRecord& r : dump.flight.ops) {
    v1::OpRecord* p = out->add_ops();
    p->set_seq(r.seq);
    p->set_kind(ToProto(r.kind));
    if (r.kind != CollectiveKind::kBarrier) p->set_dtype(ToProto(r.dtype));
    if (IsReduction(r.kind)) p->set_op(ToProto(r.op));
    p->set_count(r.count);
    if (IsRooted(r.kind)) p->set_root(r.root);
    if (IsPointToPoint(r.kind)) p->set_peer(r.peer);
    p->set_bytes(r.bytes);
    for (const RankArrival& a : r.arrivals) {
      v1::OpArrival* pa = p->add_arrivals();
      pa->set_rank(a.rank);
      pa->set_arrived_unix_us(UnixMicros(dump.flight, a.at));
    }
    p->set_first_arrival_unix_us(UnixMicros(dump.flight, r.first_arrival));
    p->set_finished_unix_us(UnixMicros(dump.flight, r.finished));
    p->set_status_code(static_cast<int32_t>(r.code));
    p->set_status_message(r.message);
  }
}

StatusOr<cuda::DeviceBufferDesc> FromProto(const v1::CudaIpcBuffer& b, uint64_t size_bytes) {
  cuda::DeviceBufferDesc d;
  ASSIGN_OR_RETURN(d.mem_handle, cuda::IpcHandleFromBytes(b.mem_handle(), "cuda.mem_handle"));
  StatusOr<cuda::DeviceUuid> uuid = cuda::DeviceUuidFromBytes(b.device_uuid());
  if (!uuid.ok()) return InvalidArgument("cuda.device_uuid: " + uuid.status().message());
  d.device = *uuid;
  d.alloc_offset = b.alloc_offset();
  d.alloc_size = b.alloc_size();
  d.size_bytes = size_bytes;
  RETURN_IF_ERROR(cuda::ValidateDeviceBuffer(d));
  return d;
}

StatusOr<cuda::IpcEventDesc> FromProto(const v1::CudaIpcEvent& e) {
  cuda::IpcEventDesc d;
  ASSIGN_OR_RETURN(d.handle, cuda::IpcHandleFromBytes(e.event_handle(), "event_handle"));
  StatusOr<cuda::DeviceUuid> uuid = cuda::DeviceUuidFromBytes(e.device_uuid());
  if (!uuid.ok()) return InvalidArgument("device_uuid: " + uuid.status().message());
  d.device = *uuid;
  return d;
}

}  // namespace ccs::server
