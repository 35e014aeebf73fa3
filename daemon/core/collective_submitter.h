// CollectiveSubmitter: turns one rank's collective request into an Arrival
// for its group, validating everything before any memory is touched.
#pragma once

#include <chrono>
#include <utility>

#include "daemon/core/buffer_registry.h"
#include "daemon/core/call.h"
#include "daemon/core/group_registry.h"
#include "daemon/core/session_manager.h"
#include "daemon/core/stream_order.h"

namespace ccs {

class CollectiveSubmitter {
 public:
  CollectiveSubmitter(SessionManager* sessions, BufferRegistry* buffers,
                      GroupRegistry* groups, std::chrono::milliseconds default_timeout)
      : sessions_(sessions), buffers_(buffers), groups_(groups),
        default_timeout_(default_timeout) {}

  // Authorizes the caller, finds its rank in the group, checks the call's
  // layout and resolves its buffer ranges, then queues it on the group.
  // `done` runs exactly once: at once with the first error found (the op
  // then never reaches the group and consumes no sequence number), or when
  // the op completes or fails on the group. Thread-safe; never blocks on the
  // collective.
  void Submit(const PeerIdentity& caller, uint64_t session_id, uint64_t group_id,
              CollectiveCall call, CollectiveDone done);
  // How calls with a stream_id find their stream (ApplyStreamOrder). Unset
  // (no GPU): such calls fail FAILED_PRECONDITION. Call before the first
  // Submit; not thread-safe against it.
  void SetStreamResolver(StreamResolver resolver) { streams_ = std::move(resolver); }

 private:
  // Resolves the ranges `layout` needs into `arrival`.
  Status Resolve(uint64_t session_id, const CollectiveCall& call, const RankLayout& layout,
                 Arrival& arrival) const;

  SessionManager* const sessions_;
  BufferRegistry* const buffers_;
  GroupRegistry* const groups_;
  const std::chrono::milliseconds default_timeout_;
  StreamResolver streams_;
};

}  // namespace ccs
