#include "daemon/engine/cuda/nccl_comm.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <thread>

#include "daemon/engine/cuda/cuda_status.h"

namespace ccs::cuda {
namespace {

std::string Describe(const NcclComm::Options& o) {
  return "NCCL communicator of " + o.name + " (rank " + std::to_string(o.rank) + " of " +
         std::to_string(o.nranks) + ", device " + std::to_string(o.ordinal) + ")";
}

}  // namespace

StatusOr<std::unique_ptr<NcclComm>> NcclComm::Init(const NcclLibrary& nccl,
                                                   const Options& o) {
  const std::string what = Describe(o);
  RETURN_IF_ERROR(CudaStatus(cudaSetDevice(o.ordinal), "cudaSetDevice for the " + what));
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = 0;
  ncclComm_t comm = nullptr;
  ncclResult_t r = nccl.api().CommInitRankConfig(&comm, o.nranks, o.id, o.rank, &config);
  if (r != ncclSuccess && r != ncclInProgress) {
    if (comm != nullptr) nccl.api().CommAbort(comm);
    return nccl.ToStatus(r, "ncclCommInitRankConfig of the " + what);
  }
  std::unique_ptr<NcclComm> result(new NcclComm(nccl, comm, o.name));
  RETURN_IF_ERROR(result->WaitReady(what, o.deadline));
  return result;
}

StatusOr<std::vector<std::unique_ptr<NcclComm>>> NcclComm::InitGroup(
    const NcclLibrary& nccl, const std::vector<Options>& options) {
  std::vector<std::unique_ptr<NcclComm>> comms;
  if (options.empty()) return comms;
  Deadline deadline = options[0].deadline;
  for (const Options& o : options) deadline = std::min(deadline, o.deadline);
  const std::string all =
      std::to_string(options.size()) + " NCCL communicators of " + options[0].name;
  ncclResult_t r = nccl.api().GroupStart();
  if (r != ncclSuccess) return nccl.ToStatus(r, "ncclGroupStart to initialise " + all);
  Status failed;
  for (const Options& o : options) {
    const std::string what = Describe(o);
    failed = CudaStatus(cudaSetDevice(o.ordinal), "cudaSetDevice for the " + what);
    if (!failed.ok()) break;
    ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
    config.blocking = 0;
    ncclComm_t comm = nullptr;
    r = nccl.api().CommInitRankConfig(&comm, o.nranks, o.id, o.rank, &config);
    if (comm != nullptr) comms.emplace_back(new NcclComm(nccl, comm, o.name));
    if (r != ncclSuccess && r != ncclInProgress) {
      failed = nccl.ToStatus(r, "ncclCommInitRankConfig of the " + what);
      break;
    }
  }
  r = nccl.api().GroupEnd();
  if (failed.ok() && r != ncclSuccess && r != ncclInProgress) {
    failed = nccl.ToStatus(r, "ncclGroupEnd initialising " + all);
  }
  for (size_t i = 0; failed.ok() && i < comms.size(); ++i) {
    failed = comms[i]->WaitReady(Describe(options[i]), deadline);
  }
  if (!failed.ok()) {
    for (auto& comm : comms) comm->Abort();
    return failed;
  }
  return comms;
}

Status NcclComm::WaitReady(const std::string& what, Deadline deadline) {
  for (;;) {
    ncclResult_t state = ncclSuccess;
    ncclResult_t r = nccl_.api().CommGetAsyncError(comm_, &state);
    if (r != ncclSuccess) state = r;
    if (state == ncclSuccess) return Status::Ok();
    if (state != ncclInProgress) {
      Abort();
      return nccl_.ToStatus(state, "initialising the " + what);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      Abort();
      return DeadlineExceeded("the " + what +
                              " was not ready within the deadline (waiting for the "
                              "group's other ranks?); aborted");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

NcclComm::~NcclComm() {
  if (comm_ == nullptr) return;
  if (aborted_.exchange(true)) return;
  nccl_.api().CommDestroy(comm_);
}

Status NcclComm::Use(const std::function<Status(ncclComm_t)>& use) const {
  std::lock_guard lock(use_mu_);
  if (aborted_.load()) return Aborted("the NCCL communicator of " + name_ + " was aborted");
  return use(comm_);
}

Status NcclComm::Poll() const {
  return Use([this](ncclComm_t comm) {
    ncclResult_t state = ncclSuccess;
    ncclResult_t r = nccl_.api().CommGetAsyncError(comm, &state);
    if (r != ncclSuccess) state = r;
    if (state == ncclSuccess || state == ncclInProgress) return Status::Ok();
    return nccl_.ToStatus(state, "the NCCL communicator of " + name_ + " failed");
  });
}

void NcclComm::Abort() {
  std::lock_guard lock(use_mu_);
  if (aborted_.exchange(true)) return;
  nccl_.api().CommAbort(comm_);
}

}  // namespace ccs::cuda
