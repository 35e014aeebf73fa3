#include "daemon/engine/cuda/nccl_comm.h"

#include <cuda_runtime_api.h>

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
  for (;;) {
    ncclResult_t state = ncclSuccess;
    r = nccl.api().CommGetAsyncError(comm, &state);
    if (r != ncclSuccess) state = r;
    if (state == ncclSuccess) return result;
    if (state != ncclInProgress) {
      result->Abort();
      return nccl.ToStatus(state, "initialising the " + what);
    }
    if (std::chrono::steady_clock::now() >= o.deadline) {
      result->Abort();
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

Status NcclComm::Poll() const {
  if (aborted_.load())
    return Aborted("the NCCL communicator of " + name_ + " was aborted");
  ncclResult_t state = ncclSuccess;
  ncclResult_t r = nccl_.api().CommGetAsyncError(comm_, &state);
  if (r != ncclSuccess) state = r;
  if (state == ncclSuccess || state == ncclInProgress) return Status::Ok();
  return nccl_.ToStatus(state, "the NCCL communicator of " + name_ + " failed");
}

void NcclComm::Abort() {
  if (aborted_.exchange(true)) return;
  nccl_.api().CommAbort(comm_);
}

}  // namespace ccs::cuda
