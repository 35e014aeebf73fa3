// Stream order of device-buffer collectives: a call's stream_id (see
// BufferService.RegisterStream) resolved to the events its op waits on and
// records. Core sees only opaque event pointers and an index into the
// daemon's GPUs; the daemon supplies the resolver (over cuda::StreamTable).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/engine.h"

namespace ccs {

// One registered stream as an op needs it: its GPU (index into the daemon's
// devices, as RankIo::gpu), the client's event to wait on, the daemon's
// event to record, and what keeps both open until the op lets go of it.
struct StreamOrder {
  int32_t gpu = -1;
  void* ready_event = nullptr;
  void* done_event = nullptr;
  std::shared_ptr<const void> keepalive;
};

// The stream `stream_id` of session `session_id`; NOT_FOUND naming it when
// the session has no such stream. Must be thread-safe.
using StreamResolver =
    std::function<StatusOr<StreamOrder>(uint64_t session_id, uint64_t stream_id)>;

// Orders one rank's resolved op (`io`, after its buffers were resolved) on
// stream `stream_id`; does nothing for stream 0. Sets io's events and GPU
// (from the stream when the op touches no buffer, e.g. a barrier) and adds
// the stream's keepalive to `keepalive`. Errors, with nothing changed:
// FAILED_PRECONDITION when `resolver` is null (this ccsd has no GPU);
// INVALID_ARGUMENT for host buffers, or for a stream on another GPU than
// the buffers (naming both); else the resolver's error.
Status ApplyStreamOrder(const StreamResolver& resolver, uint64_t session_id,
                        uint64_t stream_id, RankIo& io,
                        std::vector<std::shared_ptr<const void>>& keepalive);

}  // namespace ccs
