#include "daemon/engine/cuda/nccl_group_comms.h"

#include <thread>

namespace ccs::cuda {

StatusOr<std::unique_ptr<NcclGroupComms>> NcclGroupComms::Create(
    const NcclLibrary& nccl, const std::string& name, uint32_t world,
    std::span<const Member> members, const ncclUniqueId& id, Deadline deadline) {
  std::vector<NcclComm::Options> options;
  for (const Member& m : members) {
    NcclComm::Options o;
    o.name = name;
    o.ordinal = m.ordinal;
    o.nranks = static_cast<int>(world);
    o.rank = static_cast<int>(m.rank);
    o.id = id;
    o.deadline = deadline;
    options.push_back(o);
  }
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<NcclComm>> comms,
                   NcclComm::InitGroup(nccl, options));
  std::unique_ptr<NcclGroupComms> group(new NcclGroupComms(nccl, name));
  for (size_t i = 0; i < comms.size(); ++i) {
    group->comms_.emplace_back(members[i].rank, std::move(comms[i]));
  }
  return group;
}

NcclComm* NcclGroupComms::Find(uint32_t rank) const {
  for (const auto& [r, comm] : comms_) {
    if (r == rank) return comm.get();
  }
  return nullptr;
}

Status NcclGroupComms::Poll() const {
  for (const auto& entry : comms_) RETURN_IF_ERROR(entry.second->Poll());
  return Status::Ok();
}

void NcclGroupComms::Abort() {
  for (auto& entry : comms_) entry.second->Abort();
}

void NcclGroupComms::Finalize(std::chrono::milliseconds timeout) {
  if (!Poll().ok()) return Abort();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto started = [](ncclResult_t r) { return r == ncclSuccess || r == ncclInProgress; };
  bool ok = nccl_.api().GroupStart() == ncclSuccess;
  for (auto& entry : comms_)
    ok = started(nccl_.api().CommFinalize(entry.second->get())) && ok;
  ok = started(nccl_.api().GroupEnd()) && ok;
  for (auto& entry : comms_) ok = ok && WaitFinalized(entry.second->get(), deadline);
  if (!ok) Abort();
}

bool NcclGroupComms::WaitFinalized(ncclComm_t comm, Deadline deadline) const {
  for (;;) {
    ncclResult_t state = ncclSuccess;
    if (nccl_.api().CommGetAsyncError(comm, &state) != ncclSuccess) return false;
    if (state == ncclSuccess) return true;
    if (state != ncclInProgress || std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace ccs::cuda
