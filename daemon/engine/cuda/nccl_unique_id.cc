#include "daemon/engine/cuda/nccl_unique_id.h"

#include <cstring>
#include <string_view>

namespace ccs::cuda {

StatusOr<ncclUniqueId> ExchangeNcclUniqueId(const NcclLibrary& nccl,
                                            rendezvous::Store& store,
                                            const std::string& key, bool creator,
                                            rendezvous::Store::Deadline deadline) {
  ncclUniqueId id;
  if (creator) {
    RETURN_IF_ERROR(
        nccl.ToStatus(nccl.api().GetUniqueId(&id), "ncclGetUniqueId for " + key));
    RETURN_IF_ERROR(store.Set(key, std::string_view(id.internal, sizeof(id.internal)),
                              rendezvous::Store::kNoExpiry));
    return id;
  }
  RETURN_IF_ERROR(store.Wait({key}, deadline));
  ASSIGN_OR_RETURN(std::string value, store.Get(key));
  if (value.size() != sizeof(id.internal)) {
    return Internal("store key " + key + " holds " + std::to_string(value.size()) +
                    " bytes, not an NCCL unique id (" +
                    std::to_string(sizeof(id.internal)) + ")");
  }
  std::memcpy(id.internal, value.data(), sizeof(id.internal));
  return id;
}

}  // namespace ccs::cuda
