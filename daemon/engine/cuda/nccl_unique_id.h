// The NCCL unique id of one communicator, exchanged through the group's
// Store: the creator (the group's lowest rank on its daemon, chosen by the
// caller) generates it and sets it under `key`; every other daemon waits for
// the key. Only the CUDA engine includes this header.
#pragma once

#include <nccl.h>

#include <string>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/nccl_library.h"
#include "daemon/rendezvous/store.h"

namespace ccs::cuda {

// Creator: ncclGetUniqueId (no GPU needed), then Set(key) with no expiry
// (the group's keys are deleted with its epoch). Others: Wait(key) until
// `deadline`, then Get. Blocks up to `deadline`. Errors: the NCCL call's,
// the store's (DEADLINE_EXCEEDED naming the key when the creator never
// published), INTERNAL when the stored value is not a unique id.
StatusOr<ncclUniqueId> ExchangeNcclUniqueId(const NcclLibrary& nccl,
                                            rendezvous::Store& store,
                                            const std::string& key, bool creator,
                                            rendezvous::Store::Deadline deadline);

}  // namespace ccs::cuda
