#include "daemon/core/collective_submitter.h"

namespace ccs {
namespace {

// Bytes of `count` elements, or an error if that overflows.
StatusOr<uint64_t> Bytes(uint64_t count, DataType dtype) {
  uint64_t size = DataTypeSize(dtype);
  if (count > UINT64_MAX / size) return InvalidArgument("element count overflows");
  return count * size;
}

// Keeps `r` mapped for the op and records which side it lives on: both
// buffers of one rank must be host memory or on one GPU.
Status Keep(const ResolvedRange& r, Arrival& arrival) {
  const bool first = arrival.keepalive.empty() && arrival.device_keepalive.empty();
  if (!first && r.gpu != arrival.io.gpu) {
    auto side = [](int32_t gpu) {
      return gpu < 0 ? std::string("host memory") : "device memory on GPU " + std::to_string(gpu);
    };
    return InvalidArgument("send is " + side(r.gpu) + " but recv is " + side(arrival.io.gpu) +
                           "; both buffers of one call must be host memory or on one GPU");
  }
  arrival.io.gpu = r.gpu;
  if (r.keepalive) arrival.keepalive.push_back(r.keepalive);
  if (r.device_keepalive) arrival.device_keepalive.push_back(r.device_keepalive);
  return Status::Ok();
}

}  // namespace

void CollectiveSubmitter::Submit(const PeerIdentity& caller, uint64_t session_id,
                                 uint64_t group_id, CollectiveCall call,
                                 CollectiveDone done) {
  auto fail = [&](const Status& s) { done(s, 0); };
  StatusOr<Session> session = sessions_->Authorize(session_id, caller);
  if (!session.ok()) return fail(session.status());
  StatusOr<Membership> member = groups_->Find(session_id, group_id);
  if (!member.ok()) return fail(member.status());
  const uint32_t world = member->group->world_size();
  StatusOr<RankLayout> layout = ComputeLayout(call, member->rank, world);
  if (!layout.ok()) {
    return fail(InvalidArgument(DescribeCall(call) + " from rank " +
                                std::to_string(member->rank) + " of group '" +
                                member->group->name() + "': " + layout.status().message()));
  }
  Arrival arrival;
  Status resolved = Resolve(session_id, call, *layout, arrival);
  if (resolved.ok()) {
    resolved = ApplyStreamOrder(streams_, session_id, call.stream_id, arrival.io,
                                arrival.device_keepalive);
  }
  if (!resolved.ok()) {
    return fail(Status(resolved.code(), DescribeCall(call) + " from rank " +
                                            std::to_string(member->rank) + ": " +
                                            resolved.message()));
  }
  auto timeout = call.timeout.count() > 0 ? call.timeout : default_timeout_;
  arrival.arrived = Clock::now();
  arrival.deadline = arrival.arrived + timeout;
  arrival.call = std::move(call);
  arrival.done = std::move(done);
  member->group->Submit(member->rank, std::move(arrival));
}

Status CollectiveSubmitter::Resolve(uint64_t session_id, const CollectiveCall& call,
                                    const RankLayout& layout, Arrival& arrival) const {
  const size_t elem = DataTypeSize(call.dtype);
  arrival.io.in_count = layout.in_count;
  arrival.io.out_count = layout.out_count;
  arrival.io.send_counts = call.send_counts;
  arrival.io.recv_counts = call.recv_counts;
  bool in_place = !call.send && layout.needs_in;
  if (call.send && call.recv && layout.needs_in && layout.needs_out &&
      call.send->buffer_id == call.recv->buffer_id) {
    // Overlapping send and recv: NCCL's in-place convention (send at the
    // in-place input position) is accepted, any other overlap is refused.
    const uint64_t s = call.send->offset, r = call.recv->offset;
    const bool overlap = s < r + layout.out_count * elem && r < s + layout.in_count * elem;
    if (overlap && s == r + layout.in_offset * elem && layout.out_offset == 0) {
      in_place = true;
    } else if (overlap) {
      return InvalidArgument("send and recv ranges overlap in buffer " +
                             std::to_string(call.send->buffer_id) +
                             "; leave send unset for the in-place variant");
    }
  }
  if (in_place || layout.needs_out) {
    if (!call.recv) {
      return InvalidArgument(in_place ? "in-place call (no send buffer) needs a recv buffer"
                                      : "this rank's output needs a recv buffer");
    }
    uint64_t extent = in_place ? layout.recv_extent : layout.out_count;
    ASSIGN_OR_RETURN(uint64_t bytes, Bytes(extent, call.dtype));
    ASSIGN_OR_RETURN(ResolvedRange r,
                     buffers_->Resolve(session_id, call.recv->buffer_id, call.recv->offset, bytes));
    RETURN_IF_ERROR(Keep(r, arrival));
    arrival.io.out = r.data + (in_place ? layout.out_offset * elem : 0);
    if (in_place) arrival.io.in = r.data + layout.in_offset * elem;
  }
  if (layout.needs_in && !in_place) {
    ASSIGN_OR_RETURN(uint64_t bytes, Bytes(layout.in_count, call.dtype));
    ASSIGN_OR_RETURN(ResolvedRange r,
                     buffers_->Resolve(session_id, call.send->buffer_id, call.send->offset, bytes));
    RETURN_IF_ERROR(Keep(r, arrival));
    arrival.io.in = r.data;
  }
  return Status::Ok();
}

}  // namespace ccs
