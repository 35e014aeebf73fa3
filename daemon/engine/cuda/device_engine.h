// The CUDA engine: runs ops whose ranks' memory is on the daemon's GPUs.
//
// Paths, chosen per op (algorithm.h for all-reduce):
// - the daemon's own all-reduce kernels (one-shot / two-shot) when every
//   rank of the group is on this node, on GPUs that passed the startup P2P
//   check: sum of float32/float16/bfloat16, any number of ranks per GPU;
// - device-to-device copies when every rank shares one GPU and the kind only
//   moves data (all_gather(_v), gather, broadcast, scatter, all_to_all(_v),
//   send/recv);
// - NCCL when NCCL is loaded, every rank is on this node, no two ranks
//   share a GPU and NCCL can express the op; the group's communicators are
//   created at its first such op, against the op's deadline;
// - otherwise the host-staged fallback: inputs copied to page-locked host
//   memory, the host engine, outputs copied back.
// Multi-node groups (ExecuteStaged): NCCL across the nodes for all_reduce,
// all_gather(_v), reduce_scatter(_v), reduce, broadcast, gather and
// scatter once every node voted for it through the epoch's exchange (NCCL
// loaded, its ranks on distinct GPUs; rank 0's node publishes the unique
// id); otherwise, and for the other kinds, host staging around the
// network's algorithm.
//
// Watchdog: ops answered at enqueue are watched until their work completed
// (op_watchdog.h); one past its deadline, or a group whose communicators
// report an asynchronous error, is reported through on_group_failure.
//
// Stream order: every GPU's part of an op waits on the ready events of the
// ranks whose inputs it reads and records the done events of the ranks on
// that GPU after the work that completes them. Execute returns once all of
// it is enqueued when every device rank has a done event, else once the
// work completed (waited on the host against the op's deadline). The
// host-staged path always waits on the host for its copies.
//
// Order: all GPU work goes through one GpuWorker per GPU, queued by one
// LaunchSequencer, so ops sharing GPUs are enqueued in the same order on
// each of them, whichever groups they belong to.
//
// GPU-free: everything CUDA goes through the GpuBackend.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "daemon/engine/cuda/algorithm.h"
#include "daemon/engine/cuda/gpu_backend.h"
#include "daemon/engine/cuda/p2p_matrix.h"
#include "daemon/engine/engine.h"

namespace ccs::cuda {

struct DeviceEngineOptions {
  AlgorithmThresholds thresholds;
  // The startup P2P probe's result over the backend's GPUs (an empty matrix:
  // no pair verified; a single GPU needs none).
  P2pMatrix p2p;
  // Told, from the engine's watchdog thread, when a group's device work
  // did not complete by its deadline or its NCCL communicators failed
  // between ops (they are aborted first); the daemon breaks the group. May
  // be null.
  std::function<void(uint64_t group_id, const Status& why)> on_group_failure;
  // How often the watchdog polls.
  std::chrono::milliseconds watchdog_interval{20};
};

// `host` runs the staged fallback's host algorithm; not owned, must outlive
// the engine. Starts one worker thread per backend GPU.
std::unique_ptr<Engine> MakeDeviceEngine(std::unique_ptr<GpuBackend> backend, Engine* host,
                                         DeviceEngineOptions options);

}  // namespace ccs::cuda
