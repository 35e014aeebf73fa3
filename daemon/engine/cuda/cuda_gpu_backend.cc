#include "daemon/engine/cuda/cuda_gpu_backend.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/engine/cuda/cuda_status.h"
#include "daemon/engine/cuda/nccl_group_comms.h"
#include "daemon/engine/cuda/nccl_launch.h"

namespace ccs::cuda {
namespace {

// Makes a device current for a scope and restores the thread's previous
// one, so host-side calls made from a worker thread leave it bound.
class DeviceScope {
 public:
  DeviceScope(int ordinal, const std::string& what) {
    if (cudaGetDevice(&previous_) != cudaSuccess) previous_ = -1;
    status_ = CudaStatus(cudaSetDevice(ordinal), "cudaSetDevice for " + what);
  }
  ~DeviceScope() {
    if (previous_ >= 0) cudaSetDevice(previous_);
  }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;
  const Status& status() const { return status_; }

 private:
  int previous_ = -1;
  Status status_;
};

class CudaGpuBackend final : public GpuBackend {
 public:
  CudaGpuBackend(std::vector<LocalDevice> devices, const NcclLibrary* nccl)
      : devices_(std::move(devices)), nccl_(nccl) {}

  ~CudaGpuBackend() override {
    for (auto& [id, group] : groups_) group->Abort();
    groups_.clear();
    for (size_t i = 0; i < streams_.size(); ++i) {
      DeviceScope scope(devices_[i].ordinal, Where(static_cast<uint32_t>(i)));
      cudaStreamDestroy(streams_[i]);
    }
  }

  Status CreateStreams() {
    for (uint32_t gpu = 0; gpu < devices_.size(); ++gpu) {
      DeviceScope scope(devices_[gpu].ordinal, Where(gpu));
      RETURN_IF_ERROR(scope.status());
      cudaStream_t stream = nullptr;
      RETURN_IF_ERROR(
          CudaStatus(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking),
                     "cudaStreamCreateWithFlags on " + Where(gpu)));
      streams_.push_back(stream);
    }
    return Status::Ok();
  }

  uint32_t Gpus() const override { return static_cast<uint32_t>(devices_.size()); }

  Status Bind(uint32_t gpu) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    return CudaStatus(cudaSetDevice(devices_[gpu].ordinal),
                      "cudaSetDevice for " + Where(gpu));
  }

  Status WaitEvent(uint32_t gpu, void* event) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    return CudaStatus(
        cudaStreamWaitEvent(streams_[gpu], static_cast<cudaEvent_t>(event), 0),
        "cudaStreamWaitEvent on " + Where(gpu));
  }

  Status RecordEvent(uint32_t gpu, void* event) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    return CudaStatus(cudaEventRecord(static_cast<cudaEvent_t>(event), streams_[gpu]),
                      "cudaEventRecord on " + Where(gpu));
  }

  Status Copy(uint32_t gpu, void* dst, const void* src, size_t bytes) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    if (bytes == 0) return Status::Ok();
    return CudaStatus(
        cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, streams_[gpu]),
        "cudaMemcpyAsync of " + std::to_string(bytes) + " bytes on " + Where(gpu));
  }

  StatusOr<void*> AllocateAsync(uint32_t gpu, size_t bytes) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    void* p = nullptr;
    RETURN_IF_ERROR(CudaStatus(cudaMallocAsync(&p, std::max<size_t>(bytes, 1), streams_[gpu]),
                               "cudaMallocAsync of " + std::to_string(bytes) + " bytes on " +
                                   Where(gpu)));
    return p;
  }

  Status FreeAsync(uint32_t gpu, void* memory) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    return CudaStatus(cudaFreeAsync(memory, streams_[gpu]), "cudaFreeAsync on " + Where(gpu));
  }

  Status LaunchAllReduce(uint32_t gpu, const kernels::AllReduceLaunch& launch,
                         kernels::ArAlgorithm algorithm) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    Status s = kernels::LaunchAllReduce(launch, algorithm, streams_[gpu]);
    if (s.ok()) return s;
    return Status(s.code(), s.message() + " (" + Where(gpu) + ")");
  }

  Status RunNccl(uint32_t gpu, uint64_t group_id, uint32_t rank,
                 std::span<const NcclCall> calls) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    if (calls.empty()) return Status::Ok();
    RETURN_IF_ERROR(RequireNccl());
    std::shared_ptr<NcclGroupComms> group = FindGroup(group_id);
    NcclComm* comm = group ? group->Find(rank) : nullptr;
    if (comm == nullptr) {
      return FailedPrecondition("no NCCL communicator for rank " + std::to_string(rank) +
                                " of group id " + std::to_string(group_id) +
                                " (CreateNcclComms first)");
    }
    const std::string what =
        "rank " + std::to_string(rank) + " of " + group->name() + " on " + Where(gpu);
    return EnqueueNcclCalls(*nccl_, *comm, streams_[gpu], calls, what,
                            std::chrono::steady_clock::now() + kNcclEnqueueTimeout);
  }

  StatusOr<void*> CreateEvent(uint32_t gpu) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    DeviceScope scope(devices_[gpu].ordinal, Where(gpu));
    RETURN_IF_ERROR(scope.status());
    cudaEvent_t event = nullptr;
    RETURN_IF_ERROR(CudaStatus(cudaEventCreateWithFlags(&event, cudaEventDisableTiming),
                               "cudaEventCreateWithFlags on " + Where(gpu)));
    return static_cast<void*>(event);
  }

  void DestroyEvent(uint32_t gpu, void* event) override {
    if (event == nullptr || !CheckGpu(gpu).ok()) return;
    DeviceScope scope(devices_[gpu].ordinal, Where(gpu));
    cudaEventDestroy(static_cast<cudaEvent_t>(event));
  }

  Status WaitEventHost(uint32_t gpu, void* event, Deadline deadline) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    auto pause = std::chrono::microseconds(5);
    for (;;) {
      const cudaError_t err = cudaEventQuery(static_cast<cudaEvent_t>(event));
      if (err == cudaSuccess) return Status::Ok();
      if (err != cudaErrorNotReady) {
        return CudaStatus(err, "cudaEventQuery on " + Where(gpu));
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return DeadlineExceeded("work on " + Where(gpu) +
                                " did not complete within the deadline (a stream waits "
                                "for an event never recorded, or the GPU is stuck)");
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(1000));
    }
  }

  StatusOr<void*> AllocateSignal(uint32_t gpu) override {
    RETURN_IF_ERROR(CheckGpu(gpu));
    DeviceScope scope(devices_[gpu].ordinal, Where(gpu));
    return kernels::AllocateSignal(devices_[gpu].ordinal);
  }

  void FreeSignal(uint32_t gpu, void* signal) override {
    if (signal == nullptr || !CheckGpu(gpu).ok()) return;
    DeviceScope scope(devices_[gpu].ordinal, Where(gpu));
    kernels::FreeSignal(devices_[gpu].ordinal, signal);
  }

  StatusOr<void*> AllocateStaging(size_t bytes) override {
    if (bytes == 0) return InvalidArgument("staging memory of 0 bytes");
    void* p = nullptr;
    RETURN_IF_ERROR(CudaStatus(
        cudaHostAlloc(&p, bytes, cudaHostAllocPortable),
        "cudaHostAlloc of " + std::to_string(bytes) + " bytes of staging memory"));
    return p;
  }

  void FreeStaging(void* memory) override {
    if (memory != nullptr) cudaFreeHost(memory);
  }

  std::string NcclVersion() const override { return nccl_ ? nccl_->version() : ""; }

  StatusOr<std::string> NewNcclUniqueId() override {
    RETURN_IF_ERROR(RequireNccl());
    ncclUniqueId id{};
    RETURN_IF_ERROR(nccl_->ToStatus(nccl_->api().GetUniqueId(&id), "ncclGetUniqueId"));
    return std::string(reinterpret_cast<const char*>(&id), sizeof(id));
  }

  Status CreateNcclComms(uint64_t group_id, const std::string& name, uint32_t world,
                         std::span<const uint32_t> ranks, std::span<const uint32_t> gpus,
                         const std::string& unique_id, Deadline deadline) override;

  Status PollNccl(uint64_t group_id) override {
    std::shared_ptr<NcclGroupComms> group = FindGroup(group_id);
    if (!group) {
      return NotFound("no NCCL communicators for group id " + std::to_string(group_id));
    }
    return group->Poll();
  }

  void DestroyNcclComms(uint64_t group_id, bool abort) override {
    std::shared_ptr<NcclGroupComms> group;
    {
      std::lock_guard lock(mu_);
      auto it = groups_.find(group_id);
      if (it == groups_.end()) return;
      group = std::move(it->second);
      groups_.erase(it);
    }
    if (abort) {
      group->Abort();
    } else {
      group->Finalize(kNcclFinalizeTimeout);
    }
  }

 private:
  std::string Where(uint32_t gpu) const {
    return "GPU " + std::to_string(gpu) + " (CUDA device " +
           std::to_string(devices_[gpu].ordinal) + ")";
  }

  Status CheckGpu(uint32_t gpu) const {
    if (gpu < streams_.size()) return Status::Ok();
    return InvalidArgument("GPU " + std::to_string(gpu) + " is not one of the daemon's " +
                           std::to_string(streams_.size()) + " GPUs");
  }

  Status RequireNccl() const {
    if (nccl_ != nullptr) return Status::Ok();
    return FailedPrecondition("NCCL is not loaded (see the nccl_library option)");
  }

  std::shared_ptr<NcclGroupComms> FindGroup(uint64_t group_id) const {
    std::lock_guard lock(mu_);
    auto it = groups_.find(group_id);
    return it == groups_.end() ? nullptr : it->second;
  }

  const std::vector<LocalDevice> devices_;
  const NcclLibrary* const nccl_;
  std::vector<cudaStream_t> streams_;  // by GPU; fixed after construction
  mutable std::mutex mu_;
  // Shared so that a RunNccl in flight keeps its communicators' objects
  // alive while DestroyNcclComms aborts them (NcclComm::Use keeps the abort
  // from freeing NCCL's communicator under the call).
  std::map<uint64_t, std::shared_ptr<NcclGroupComms>> groups_;
};

Status CudaGpuBackend::CreateNcclComms(uint64_t group_id, const std::string& name,
                                       uint32_t world, std::span<const uint32_t> ranks,
                                       std::span<const uint32_t> gpus,
                                       const std::string& unique_id, Deadline deadline) {
  RETURN_IF_ERROR(RequireNccl());
  const std::string group = "group '" + name + "' (id " + std::to_string(group_id) + ")";
  const bool local = unique_id.empty();
  if (world == 0 || ranks.empty() || ranks.size() != gpus.size() || ranks.size() > world ||
      (local && ranks.size() != world)) {
    return InvalidArgument("NCCL communicators of " + group + ": " +
                           std::to_string(ranks.size()) + " ranks and " +
                           std::to_string(gpus.size()) + " GPUs for a world of " +
                           std::to_string(world) +
                           (local ? "; without a shared unique id every rank must be here"
                                  : ""));
  }
  ncclUniqueId id{};
  if (local) {
    RETURN_IF_ERROR(nccl_->ToStatus(nccl_->api().GetUniqueId(&id), "ncclGetUniqueId for " + group));
  } else if (unique_id.size() != sizeof(id)) {
    return InvalidArgument("NCCL unique id of " + group + " has " +
                           std::to_string(unique_id.size()) + " bytes, not " +
                           std::to_string(sizeof(id)));
  } else {
    std::memcpy(&id, unique_id.data(), sizeof(id));
  }
  std::vector<NcclGroupComms::Member> members;
  for (size_t i = 0; i < ranks.size(); ++i) {
    RETURN_IF_ERROR(CheckGpu(gpus[i]));
    members.push_back({ranks[i], devices_[gpus[i]].ordinal});
  }
  if (FindGroup(group_id)) {
    return AlreadyExists("NCCL communicators of " + group + " already exist");
  }
  StatusOr<std::unique_ptr<NcclGroupComms>> comms = [&] {
    DeviceScope scope(members[0].ordinal, group);
    return NcclGroupComms::Create(*nccl_, group, world, members, id, deadline);
  }();
  if (!comms.ok()) return comms.status();
  std::shared_ptr<NcclGroupComms> created = std::move(comms).value();
  std::lock_guard lock(mu_);
  if (groups_.count(group_id) != 0) {  // created concurrently
    created->Abort();
    return AlreadyExists("NCCL communicators of " + group + " already exist");
  }
  groups_.emplace(group_id, std::move(created));
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<GpuBackend>> MakeCudaGpuBackend(std::vector<LocalDevice> devices,
                                                         const NcclLibrary* nccl) {
  auto backend = std::make_unique<CudaGpuBackend>(std::move(devices), nccl);
  RETURN_IF_ERROR(backend->CreateStreams());
  return std::unique_ptr<GpuBackend>(std::move(backend));
}

}  // namespace ccs::cuda
