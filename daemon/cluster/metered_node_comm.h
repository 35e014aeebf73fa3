// MeteredNodeComm: a NodeComm that reports every call (payload bytes each
// way, time, success) to a LinkObserver and forwards it unchanged.
#pragma once

#include <memory>

#include "daemon/core/link_observer.h"
#include "daemon/engine/gloo/node_comm.h"

namespace ccs::cluster {

// `observer` must outlive the result. Payload bytes: all_reduce and reduce
// count their buffer both ways; broadcast sends it from the root and
// receives it elsewhere; all_gather_v sends this node's part and receives
// the others'; all_to_all_v its send and recv sizes (both without this
// node's own part); a posted send or recv its bytes, once it completed.
std::unique_ptr<gloo_engine::NodeComm> MeterNodeComm(std::unique_ptr<gloo_engine::NodeComm> comm,
                                                     LinkObserver* observer);

}  // namespace ccs::cluster
