// NcclGroupComms: the NCCL communicators of one group whose ranks are all
// on this node, one per rank and GPU, created together from one unique id
// and torn down together. Only the CUDA engine includes this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/nccl_comm.h"
#include "daemon/engine/cuda/nccl_library.h"

namespace ccs::cuda {

class NcclGroupComms {
 public:
  using Deadline = NcclComm::Deadline;
  struct Member {
    uint32_t rank = 0;  // group rank
    int ordinal = 0;    // CUDA device in this process
  };

  // Every member's communicator initialised together from `id`
  // (NcclComm::InitGroup: non-blocking, against `deadline`, all aborted on
  // failure); `id` from ncclGetUniqueId here or on another node of the
  // group. `name` names the group in messages. Blocks up to `deadline`;
  // changes the calling thread's current device. `nccl` must outlive the
  // result.
  static StatusOr<std::unique_ptr<NcclGroupComms>> Create(const NcclLibrary& nccl,
                                                          const std::string& name,
                                                          uint32_t world,
                                                          std::span<const Member> members,
                                                          const ncclUniqueId& id,
                                                          Deadline deadline);
  // Destroys the communicators (ncclCommDestroy, or nothing more after
  // Abort). Call Finalize first for a clean teardown.
  ~NcclGroupComms() = default;

  // The communicator of group rank `rank`; null when it is not a member.
  // Thread-safe; valid while this object lives.
  NcclComm* Find(uint32_t rank) const;
  // OK while every communicator is healthy, else the first one's error.
  // Thread-safe.
  Status Poll() const;
  // ncclCommAbort on every communicator; in-flight ops fail. Thread-safe.
  void Abort();
  // Clean teardown: ncclCommFinalize of every communicator inside one NCCL
  // group (they complete their outstanding work together), polled up to
  // `timeout`; aborts them all when that fails or times out. Call once,
  // when no op runs on them any more; the destructor then frees them.
  void Finalize(std::chrono::milliseconds timeout);

  const std::string& name() const { return name_; }

 private:
  NcclGroupComms(const NcclLibrary& nccl, std::string name)
      : nccl_(nccl), name_(std::move(name)) {}
  // Polls `comm` until its finalize completed (true) or failed or the
  // deadline passed (false).
  bool WaitFinalized(ncclComm_t comm, Deadline deadline) const;

  const NcclLibrary& nccl_;
  std::string name_;
  std::vector<std::pair<uint32_t, std::unique_ptr<NcclComm>>> comms_;  // by rank
};

}  // namespace ccs::cuda
