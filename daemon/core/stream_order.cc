#include "daemon/core/stream_order.h"

#include <string>
#include <utility>

namespace ccs {

Status ApplyStreamOrder(const StreamResolver& resolver, uint64_t session_id,
                        uint64_t stream_id, RankIo& io,
                        std::vector<std::shared_ptr<const void>>& keepalive) {
  if (stream_id == 0) return Status::Ok();
  const std::string stream = "stream " + std::to_string(stream_id);
  if (!resolver) {
    return FailedPrecondition(
        stream +
        " given, but this ccsd has no usable CUDA device, so it has "
        "no stream order; leave stream_id 0");
  }
  const bool touches_memory = io.in != nullptr || io.out != nullptr;
  if (io.gpu < 0 && touches_memory) {
    return InvalidArgument(stream +
                           " orders collectives on device buffers only, and this call's "
                           "buffers are host memory; leave stream_id 0 for host buffers");
  }
  ASSIGN_OR_RETURN(StreamOrder order, resolver(session_id, stream_id));
  if (io.gpu >= 0 && io.gpu != order.gpu) {
    return InvalidArgument(
        "the call's buffers are on GPU " + std::to_string(io.gpu) + " but " + stream +
        " is on GPU " + std::to_string(order.gpu) +
        " (indices into ccsd's devices); order the call on a stream of "
        "the buffers' GPU");
  }
  io.gpu = order.gpu;
  io.ready_event = order.ready_event;
  io.done_event = order.done_event;
  keepalive.push_back(std::move(order.keepalive));
  return Status::Ok();
}

}  // namespace ccs
