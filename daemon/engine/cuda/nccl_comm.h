// NcclComm: one NCCL communicator the daemon owns for one local rank of a
// group (one GPU). Initialised non-blocking so that group formation obeys
// its deadline, aborted on timeout or failure, polled for asynchronous
// errors. Only the CUDA engine includes this header.
#pragma once

#include <nccl.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/status.h"
#include "daemon/engine/cuda/nccl_library.h"

namespace ccs::cuda {

class NcclComm {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  struct Options {
    std::string name;  // for messages, e.g. "group 'tp' epoch 2"
    int ordinal = 0;   // CUDA device of this rank, in this process
    int nranks = 0;
    int rank = 0;
    ncclUniqueId id{};
    Deadline deadline{};
  };

  // Makes `ordinal` current on the calling thread, calls
  // ncclCommInitRankConfig with blocking = 0 and polls
  // ncclCommGetAsyncError (every millisecond) until the communicator is
  // ready or `deadline` passes. On failure the communicator is aborted and
  // the Status names it: DEADLINE_EXCEEDED "... not ready within the
  // deadline (waiting for the other ranks?)", or the CUDA/NCCL error.
  // `nccl` must outlive the communicator.
  static StatusOr<std::unique_ptr<NcclComm>> Init(const NcclLibrary& nccl,
                                                  const Options& options);
  // Several communicators of this process (the ranks of one group on this
  // node, one GPU each), initialised together: every ncclCommInitRankConfig
  // inside one ncclGroupStart/ncclGroupEnd (one thread cannot wait for one
  // communicator while its peers are not yet initialising), then polled
  // until all are ready or the earliest deadline passes. On any failure
  // every communicator is aborted and the Status names the first that
  // failed, as Init does. The current device of the calling thread is
  // changed (the last option's ordinal).
  static StatusOr<std::vector<std::unique_ptr<NcclComm>>> InitGroup(
      const NcclLibrary& nccl, const std::vector<Options>& options);
  // Aborts if not aborted, else nothing more (ncclCommDestroy after a
  // clean run, ncclCommAbort otherwise).
  ~NcclComm();
  NcclComm(const NcclComm&) = delete;
  NcclComm& operator=(const NcclComm&) = delete;

  // OK while healthy (and while an op is still in progress); else the
  // asynchronous error as a Status naming the communicator (the caller then
  // breaks the group and calls Abort). ABORTED after Abort. Thread-safe.
  Status Poll() const;
  // ncclCommAbort: in-flight and later ops on it fail; idempotent.
  // Thread-safe against Poll and Use: it waits for a Use in progress.
  void Abort();
  // Runs `use` with the communicator unless it was aborted (then ABORTED
  // naming it, and `use` is not called). An Abort from another thread waits
  // until `use` returns, so the communicator stays valid inside it; `use`
  // must therefore not block for long (non-blocking NCCL calls, one poll of
  // their state). Thread-safe.
  Status Use(const std::function<Status(ncclComm_t)>& use) const;

  // The raw communicator, for teardown by its only remaining user (no Use
  // or Abort can run concurrently).
  ncclComm_t get() const { return comm_; }
  const std::string& name() const { return name_; }

 private:
  NcclComm(const NcclLibrary& nccl, ncclComm_t comm, std::string name)
      : nccl_(nccl), comm_(comm), name_(std::move(name)) {}
  // Polls until ready; on failure aborts and names `what`.
  Status WaitReady(const std::string& what, Deadline deadline);

  const NcclLibrary& nccl_;
  ncclComm_t comm_;
  std::string name_;
  // Held by Use, Poll and Abort: an abort never frees the communicator
  // under a thread that is using it.
  mutable std::mutex use_mu_;
  std::atomic<bool> aborted_{false};
};

}  // namespace ccs::cuda
