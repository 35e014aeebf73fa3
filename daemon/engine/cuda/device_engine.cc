#include "daemon/engine/cuda/device_engine.h"

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "daemon/core/types.h"
#include "daemon/engine/cuda/device_copies.h"
#include "daemon/engine/cuda/event_pool.h"
#include "daemon/engine/cuda/gpu_fan_out.h"
#include "daemon/engine/cuda/gpu_worker.h"
#include "daemon/engine/cuda/launch_sequencer.h"
#include "daemon/engine/cuda/nccl_call.h"
#include "daemon/engine/cuda/op_watchdog.h"
#include "daemon/engine/cuda/staged_plan.h"
#include "daemon/engine/cuda/staging_pool.h"

namespace ccs::cuda {
namespace {

// The distinct GPUs of the plan's device ranks, ascending.
std::vector<uint32_t> GpusOf(const OpPlan& plan) {
  std::vector<uint32_t> gpus;
  for (const RankIo& io : plan.ranks) {
    if (io.gpu >= 0) gpus.push_back(static_cast<uint32_t>(io.gpu));
  }
  std::sort(gpus.begin(), gpus.end());
  gpus.erase(std::unique(gpus.begin(), gpus.end()), gpus.end());
  return gpus;
}

std::optional<kernels::ArDtype> KernelDtype(DataType t) {
  switch (t) {
    case DataType::kFloat32: return kernels::ArDtype::kFloat32;
    case DataType::kFloat16: return kernels::ArDtype::kFloat16;
    case DataType::kBfloat16: return kernels::ArDtype::kBfloat16;
    default: return std::nullopt;
  }
}

// The plan holds every rank of its group (not one node's share of a
// multi-node group). Plans without a group (world_size 0) are whole.
bool WholeGroup(const OpPlan& plan) {
  return plan.world_size == 0 || plan.ranks.size() == plan.world_size;
}

uint32_t GroupRank(const OpPlan& plan, size_t index) {
  return index < plan.group_ranks.size() ? plan.group_ranks[index]
                                         : static_cast<uint32_t>(index);
}

class DeviceEngine final : public Engine {
 public:
  DeviceEngine(std::unique_ptr<GpuBackend> backend, Engine* host, DeviceEngineOptions options)
      : backend_(std::move(backend)),
        host_(host),
        options_(std::move(options)),
        staging_(backend_.get()),
        events_(backend_.get()),
        bind_(backend_->Gpus()) {
    std::vector<GpuWorker*> raw;
    for (uint32_t g = 0; g < backend_->Gpus(); ++g) {
      workers_.push_back(
          std::make_unique<GpuWorker>(g, [this, g] { bind_[g] = backend_->Bind(g); }));
      raw.push_back(workers_.back().get());
    }
    sequencer_ = std::make_unique<LaunchSequencer>(std::move(raw));
    watchdog_ = std::make_unique<OpWatchdog>(
        backend_.get(), [this](uint64_t g, const Status& why) { OnGroupFailure(g, why); },
        [this](uint32_t gpu, void* event) { events_.Give(gpu, event); },
        options_.watchdog_interval);
  }

  ~DeviceEngine() override {
    watchdog_.reset();  // first: it reports into the state below
    for (auto& w : workers_) w->Stop();
    for (auto& [id, state] : groups_) Release(id, state);
  }

  std::string_view Name() const override { return "cuda"; }

  Status Execute(const OpPlan& plan) override {
    RETURN_IF_ERROR(CheckGpus(plan));
    Took(plan, "cuda:staged");  // until a better path is chosen below
    if (plan.kind == CollectiveKind::kBarrier) {
      Took(plan, "cuda:barrier");
      return RunBarrier(plan);
    }
    const bool all_device = std::all_of(plan.ranks.begin(), plan.ranks.end(),
                                        [](const RankIo& io) { return io.gpu >= 0; });
    if (!all_device) return RunStaged(plan, HostExecute());
    const std::vector<uint32_t> gpus = GpusOf(plan);
    const bool nccl_possible = !backend_->NcclVersion().empty() && WholeGroup(plan) &&
                               gpus.size() == plan.ranks.size();
    if (plan.kind == CollectiveKind::kAllReduce) {
      const AlgorithmChoice choice = SelectAllReduce(Situation(plan, gpus, nccl_possible),
                                                     options_.thresholds);
      if (choice.algorithm == Algorithm::kOneShot) {
        Took(plan, "cuda:one_shot");
        return RunKernel(plan, gpus, kernels::ArAlgorithm::kOneShot);
      }
      if (choice.algorithm == Algorithm::kTwoShot) {
        Took(plan, "cuda:two_shot");
        return RunKernel(plan, gpus, kernels::ArAlgorithm::kTwoShot);
      }
    }
    std::vector<DeviceCopy> copies;
    if (gpus.size() == 1 && (WholeGroup(plan) || plan.kind == CollectiveKind::kSend) &&
        PlanDeviceCopies(plan, copies)) {
      Took(plan, "cuda:copies");
      return RunCopies(plan, gpus[0], copies);
    }
    if (nccl_possible) {
      StatusOr<std::vector<NcclRankCalls>> calls = PlanNcclCalls(plan, kNcclPlan);
      if (calls.ok()) return RunNccl(plan, *calls);
    }
    return RunStaged(plan, HostExecute());
  }

  Status ExecuteStaged(const OpPlan& plan, const HostRun& run) override {
    RETURN_IF_ERROR(CheckGpus(plan));
    return RunAcrossNodes(plan, run);
  }

  // A group whose ranks all named GPUs at join, against the formation
  // deadline. Single-node: the kernels' signal blocks for its set of GPUs
  // and, when NCCL can serve it (no two ranks on one GPU), its
  // communicators; what fails is left to the op-time paths (communicators
  // are tried once more at the first NCCL op, missing signal blocks are
  // allocated at the first kernel op). Multi-node: the nodes' NCCL
  // agreement and this node's communicators (AgreeNccl), so that no op
  // waits for them; a failure leaves the group staged on every node.
  void PrepareGroup(const GroupSetup& setup) override {
    if (setup.ranks.empty() || setup.gpus.size() != setup.ranks.size()) return;
    OpPlan plan;
    plan.group_id = setup.group_id;
    plan.world_size = setup.world_size;
    plan.group_ranks = setup.ranks;
    plan.deadline = setup.deadline;
    for (int32_t gpu : setup.gpus) {
      RankIo io;
      io.gpu = gpu;
      plan.ranks.push_back(io);
    }
    if (setup.exchange != nullptr && setup.ranks.size() < setup.world_size) {
      // Every node votes, even past the deadline or with a GPU it cannot
      // use: the others wait for its vote.
      plan.exchange = setup.exchange;
      (void)AgreeNccl(plan);
      return;
    }
    if (setup.ranks.size() != setup.world_size ||
        std::chrono::steady_clock::now() >= setup.deadline || !CheckGpus(plan).ok() ||
        std::any_of(setup.gpus.begin(), setup.gpus.end(), [](int32_t g) { return g < 0; })) {
      return;
    }
    const std::vector<uint32_t> gpus = GpusOf(plan);
    if (gpus.size() <= kernels::kMaxParticipants && plan.ranks.size() <= kernels::kMaxRanks &&
        (gpus.size() == 1 || options_.p2p.AllPairs(gpus))) {
      (void)Signals(plan.group_id, gpus);
    }
    if (!backend_->NcclVersion().empty() && gpus.size() == plan.ranks.size() &&
        gpus.size() > 1 && !EnsureNccl(plan, "").ok()) {
      // Formation may have left too little time: the first NCCL op tries
      // once more against its own deadline (nodes need not agree here).
      std::lock_guard lock(mu_);
      groups_[plan.group_id].nccl_refused = Status::Ok();
    }
  }

  void ForgetGroup(uint64_t group_id) override {
    watchdog_->Forget(group_id);
    GroupState state;
    {
      std::lock_guard lock(mu_);
      auto it = groups_.find(group_id);
      if (it == groups_.end()) return;
      state = std::move(it->second);
      groups_.erase(it);
    }
    // Outside the lock: freeing device memory waits for the device, which
    // must not hold up other groups' ops.
    Release(group_id, state);
  }

 private:
  // What the engine keeps per group: signal blocks per set of participant
  // GPUs, and the GPUs its NCCL communicators were made on (per rank).
  struct GroupState {
    std::map<std::vector<uint32_t>, std::vector<void*>> signals;
    std::vector<uint32_t> nccl_gpus;  // empty: no communicators
    Status nccl_refused;              // creation failed once: not retried
    std::optional<bool> nccl_agreed;  // multi-node: the nodes' agreement
  };

  static void Took(const OpPlan& plan, std::string_view path) {
    if (plan.path != nullptr) *plan.path = path;
  }

  // INVALID_ARGUMENT for a GPU index this engine does not have.
  Status CheckGpus(const OpPlan& plan) const {
    for (const RankIo& io : plan.ranks) {
      if (io.gpu >= static_cast<int32_t>(backend_->Gpus())) {
        return InvalidArgument("a rank's memory is on GPU index " + std::to_string(io.gpu) +
                               " but this engine has " + std::to_string(backend_->Gpus()));
      }
    }
    return Status::Ok();
  }

  HostRun HostExecute() const {
    return [host = host_](const OpPlan& p) { return host->Execute(p); };
  }

  AllReduceSituation Situation(const OpPlan& plan, const std::vector<uint32_t>& gpus,
                               bool nccl_possible) const {
    AllReduceSituation s;
    s.bytes = plan.count * DataTypeSize(plan.dtype);
    s.ranks = static_cast<uint32_t>(plan.ranks.size());
    s.gpus = static_cast<uint32_t>(gpus.size());
    s.all_ranks_local = WholeGroup(plan);
    s.p2p_verified = gpus.size() <= 1 || options_.p2p.AllPairs(gpus);
    s.dtype_supported = KernelDtype(plan.dtype).has_value();
    s.op_supported = plan.op == ReduceOp::kSum;
    s.in_place = std::any_of(plan.ranks.begin(), plan.ranks.end(),
                             [](const RankIo& io) { return io.in == io.out; });
    s.nccl_possible = nccl_possible;
    return s;
  }

  // Stream order on `gpu`: the work enqueued next waits for every rank's
  // ready event (it may read any rank's input).
  Status WaitReady(uint32_t gpu, const OpPlan& plan) {
    RETURN_IF_ERROR(bind_[gpu]);
    for (const RankIo& io : plan.ranks) {
      if (io.ready_event != nullptr) RETURN_IF_ERROR(backend_->WaitEvent(gpu, io.ready_event));
    }
    return Status::Ok();
  }
  // ... and the done events of the ranks on `gpu` follow it.
  Status RecordDone(uint32_t gpu, const OpPlan& plan) {
    for (const RankIo& io : plan.ranks) {
      if (io.gpu == static_cast<int32_t>(gpu) && io.done_event != nullptr) {
        RETURN_IF_ERROR(backend_->RecordEvent(gpu, io.done_event));
      }
    }
    return Status::Ok();
  }

  // One engine event per GPU of an op, recorded after that GPU's part
  // (EndPart): the watchdog's handle on stream-ordered ops, or what the
  // host waits for when the op must be complete on return.
  using Tail = std::vector<std::pair<uint32_t, void*>>;

  StatusOr<Tail> MakeTail(const std::vector<uint32_t>& gpus) {
    Tail tail;
    for (uint32_t g : gpus) {
      StatusOr<void*> e = events_.Take(g);
      if (!e.ok()) {
        DestroyTail(tail);
        return e.status();
      }
      tail.emplace_back(g, *e);
    }
    return tail;
  }
  void DestroyTail(const Tail& tail) {
    for (const auto& [g, e] : tail) events_.Give(g, e);
  }
  // The end of GPU `gpu`'s part: its ranks' done events, then the tail's.
  Status EndPart(uint32_t gpu, const OpPlan& plan, const Tail& tail) {
    RETURN_IF_ERROR(RecordDone(gpu, plan));
    for (const auto& [g, e] : tail) {
      if (g == gpu) return backend_->RecordEvent(gpu, e);
    }
    return Status::Ok();
  }

  // After an op's parts were enqueued (`enqueued`): with a done event for
  // every device rank the op is stream-ordered and the watchdog takes its
  // tail; otherwise it must be complete when Execute returns, so the host
  // waits for the tail against the op's deadline.
  Status Finish(const OpPlan& plan, Tail tail, Status enqueued) {
    if (!enqueued.ok()) {
      DestroyTail(tail);
      return enqueued;
    }
    const bool ordered = std::all_of(plan.ranks.begin(), plan.ranks.end(), [](const RankIo& io) {
      return io.gpu < 0 || io.done_event != nullptr;
    });
    if (ordered) {
      watchdog_->Watch(plan.group_id, plan.kind, std::move(tail), plan.deadline);
      return Status::Ok();
    }
    Status status;
    for (const auto& [g, e] : tail) {
      if (status.ok()) status = backend_->WaitEventHost(g, e, plan.deadline);
    }
    DestroyTail(tail);
    return status;
  }

  // Enqueues `part(gpu)` then EndPart on every GPU of `gpus`, and finishes
  // the op (Finish).
  Status Run(const OpPlan& plan, const std::vector<uint32_t>& gpus,
             const std::function<Status(uint32_t gpu)>& part) {
    ASSIGN_OR_RETURN(Tail tail, MakeTail(gpus));
    Status enqueued = FanOut(*sequencer_, gpus, [&](uint32_t g) {
      RETURN_IF_ERROR(WaitReady(g, plan));
      RETURN_IF_ERROR(part(g));
      return EndPart(g, plan, tail);
    });
    return Finish(plan, std::move(tail), std::move(enqueued));
  }

  // Records an engine event on every GPU of `gpus` and waits for them.
  Status Drain(const std::vector<uint32_t>& gpus, GpuBackend::Deadline deadline) {
    ASSIGN_OR_RETURN(Tail tail, MakeTail(gpus));
    Status status = FanOut(*sequencer_, gpus, [&](uint32_t g) {
      RETURN_IF_ERROR(bind_[g]);
      for (const auto& [tg, e] : tail) {
        if (tg == g) return backend_->RecordEvent(g, e);
      }
      return Status::Ok();
    });
    for (const auto& [g, e] : tail) {
      if (status.ok()) status = backend_->WaitEventHost(g, e, deadline);
    }
    DestroyTail(tail);
    return status;
  }

  Status RunBarrier(const OpPlan& plan) {
    const std::vector<uint32_t> gpus = GpusOf(plan);
    if (gpus.empty()) return Status::Ok();
    return Run(plan, gpus, [](uint32_t) { return Status::Ok(); });
  }

  Status RunCopies(const OpPlan& plan, uint32_t gpu, const std::vector<DeviceCopy>& copies) {
    return Run(plan, {gpu}, [&](uint32_t g) {
      for (const DeviceCopy& c : copies) RETURN_IF_ERROR(backend_->Copy(g, c.dst, c.src, c.bytes));
      return Status::Ok();
    });
  }

  StatusOr<std::vector<void*>> Signals(uint64_t group_id, const std::vector<uint32_t>& gpus) {
    std::lock_guard lock(mu_);
    std::vector<void*>& blocks = groups_[group_id].signals[gpus];
    if (!blocks.empty()) return blocks;
    for (uint32_t g : gpus) {
      StatusOr<void*> s = backend_->AllocateSignal(g);
      if (!s.ok()) {
        for (size_t i = 0; i < blocks.size(); ++i) backend_->FreeSignal(gpus[i], blocks[i]);
        groups_[group_id].signals.erase(gpus);
        return s.status();
      }
      blocks.push_back(*s);
    }
    return blocks;
  }

  Status RunKernel(const OpPlan& plan, const std::vector<uint32_t>& gpus,
                   kernels::ArAlgorithm algorithm) {
    ASSIGN_OR_RETURN(std::vector<void*> signals, Signals(plan.group_id, gpus));
    std::vector<const void*> inputs;
    std::vector<const void*> pointers;  // every input and output, for CanVectorize
    for (const RankIo& io : plan.ranks) {
      inputs.push_back(io.in);
      pointers.push_back(io.in);
      pointers.push_back(io.out);
    }
    // Per participant (index into gpus): its ranks' outputs.
    std::vector<std::vector<void*>> outputs(gpus.size());
    std::vector<const void*> firsts(gpus.size(), nullptr);
    for (const RankIo& io : plan.ranks) {
      const size_t p = static_cast<size_t>(
          std::find(gpus.begin(), gpus.end(), static_cast<uint32_t>(io.gpu)) - gpus.begin());
      outputs[p].push_back(io.out);
      if (firsts[p] == nullptr) firsts[p] = io.out;
    }
    const kernels::ArDtype dtype = *KernelDtype(plan.dtype);
    const bool vectorise =
        kernels::CanVectorize(plan.count, dtype, pointers.data(), pointers.size());
    return Run(plan, gpus, [&](uint32_t g) {
      const size_t p = static_cast<size_t>(std::find(gpus.begin(), gpus.end(), g) - gpus.begin());
      kernels::AllReduceLaunch launch;
      launch.dtype = dtype;
      launch.count = plan.count;
      launch.inputs = inputs.data();
      launch.num_inputs = static_cast<uint32_t>(inputs.size());
      launch.outputs = outputs[p].data();
      launch.num_outputs = static_cast<uint32_t>(outputs[p].size());
      launch.signals = signals.data();
      launch.participant_outputs = firsts.data();
      launch.num_participants = static_cast<uint32_t>(gpus.size());
      launch.self = static_cast<uint32_t>(p);
      launch.vectorise = vectorise;
      return backend_->LaunchAllReduce(g, launch, algorithm);
    });
  }

  // Per rank of the plan: its GPU.
  static std::vector<uint32_t> RankGpus(const OpPlan& plan) {
    std::vector<uint32_t> gpus;
    for (const RankIo& io : plan.ranks) gpus.push_back(static_cast<uint32_t>(io.gpu));
    return gpus;
  }

  // The group's communicators, one per local rank on the rank's GPU, made
  // when the group forms (PrepareGroup) or at its first NCCL op from
  // `unique_id` (empty: every rank is here and the id is made here). A
  // failure is kept and not retried (PrepareGroup, single-node, clears
  // its own for one retry at the first op).
  Status EnsureNccl(const OpPlan& plan, const std::string& unique_id) {
    const std::vector<uint32_t> rank_gpus = RankGpus(plan);
    {
      std::lock_guard lock(mu_);
      GroupState& state = groups_[plan.group_id];
      if (state.nccl_gpus == rank_gpus) return Status::Ok();
      RETURN_IF_ERROR(state.nccl_refused);
      if (!state.nccl_gpus.empty()) {
        return FailedPrecondition("the group's NCCL communicators are on other GPUs");
      }
    }
    std::vector<uint32_t> ranks;
    for (size_t i = 0; i < plan.ranks.size(); ++i) ranks.push_back(GroupRank(plan, i));
    const uint32_t world =
        plan.world_size == 0 ? static_cast<uint32_t>(plan.ranks.size()) : plan.world_size;
    // Outside the lock: it blocks until every rank's communicator is ready
    // (other groups go on). Only this group's executor thread gets here.
    Status made =
        backend_->CreateNcclComms(plan.group_id, "group " + std::to_string(plan.group_id),
                                  world, ranks, rank_gpus, unique_id, plan.deadline);
    std::lock_guard lock(mu_);
    GroupState& state = groups_[plan.group_id];
    state.nccl_refused = made;
    if (made.ok()) {
      state.nccl_gpus = rank_gpus;
      watchdog_->WatchNccl(plan.group_id);
    }
    return made;
  }

  // How the engine plans NCCL calls: an in-place all_to_all rank sends
  // from a copy of its input (EnqueueRankNccl).
  static constexpr NcclPlanOptions kNcclPlan{.all_to_all_from_copy = true};

  // Enqueues every local rank's calls on its GPU; then an asynchronous
  // error of the communicators fails the op.
  Status EnqueueNccl(const OpPlan& plan, const std::vector<NcclRankCalls>& calls) {
    const std::vector<uint32_t> rank_gpus = RankGpus(plan);
    RETURN_IF_ERROR(Run(plan, GpusOf(plan), [&](uint32_t g) {
      for (const NcclRankCalls& rc : calls) {
        if (rank_gpus[rc.index] == g) RETURN_IF_ERROR(EnqueueRankNccl(g, plan, rc));
      }
      return Status::Ok();
    }));
    return backend_->PollNccl(plan.group_id);
  }

  // One rank's calls on `gpu`. An all_to_all rank whose input overlaps its
  // output first copies the input to stream-ordered scratch and sends from
  // there (NCCL has no in-place all-to-all; every rank's choice stays its
  // own, so the nodes need not know each other's).
  Status EnqueueRankNccl(uint32_t gpu, const OpPlan& plan, const NcclRankCalls& rc) {
    const RankIo& io = plan.ranks[rc.index];
    const uint64_t copy = AllToAllCopyBytes(plan, io);
    if (copy == 0) return backend_->RunNccl(gpu, plan.group_id, rc.rank, rc.calls);
    ASSIGN_OR_RETURN(void* scratch, backend_->AllocateAsync(gpu, copy));
    Status status = backend_->Copy(gpu, scratch, io.in, copy);
    if (status.ok()) {
      std::vector<NcclCall> calls = rc.calls;
      RebaseSends(calls, io.in, copy, scratch);
      status = backend_->RunNccl(gpu, plan.group_id, rc.rank, calls);
    }
    Status freed = backend_->FreeAsync(gpu, scratch);
    return status.ok() ? freed : status;
  }

  // A group on this node only: NCCL, or host staging when its
  // communicators cannot be made.
  Status RunNccl(const OpPlan& plan, const std::vector<NcclRankCalls>& calls) {
    if (!EnsureNccl(plan, "").ok()) return RunStaged(plan, HostExecute());
    Took(plan, "cuda:nccl");
    return EnqueueNccl(plan, calls);
  }

  // Multi-node groups: the collectives NCCL runs across nodes once the
  // nodes agreed. Point-to-point stays on the network: its transfers
  // progress apart from the collectives, as ccs promises, while NCCL's
  // would queue on the one GPU stream behind (or in front of) collectives
  // the peer orders differently, and deadlock. Barrier moves nothing.
  static bool CrossNodeNcclKind(CollectiveKind kind) {
    switch (kind) {
      case CollectiveKind::kAllToAll:
      case CollectiveKind::kAllToAllV:
      case CollectiveKind::kAllReduce:
      case CollectiveKind::kAllGather:
      case CollectiveKind::kAllGatherV:
      case CollectiveKind::kReduceScatter:
      case CollectiveKind::kReduceScatterV:
      case CollectiveKind::kReduce:
      case CollectiveKind::kBroadcast:
      case CollectiveKind::kGather:
      case CollectiveKind::kScatter:
        return true;
      default:
        return false;
    }
  }

  // This node's vote on running the group's device collectives through
  // NCCL: "1" when NCCL is loaded and its ranks are on distinct GPUs it
  // has, else "0: " and why.
  std::string NcclVote(const OpPlan& plan) const {
    if (backend_->NcclVersion().empty()) return "0: NCCL is not loaded on a node";
    std::vector<int32_t> gpus;
    for (size_t i = 0; i < plan.ranks.size(); ++i) {
      const int32_t g = plan.ranks[i].gpu;
      if (g < 0 || g >= static_cast<int32_t>(backend_->Gpus())) {
        return "0: rank " + std::to_string(GroupRank(plan, i)) + " is on no GPU of its node";
      }
      gpus.push_back(g);
    }
    std::sort(gpus.begin(), gpus.end());
    if (std::adjacent_find(gpus.begin(), gpus.end()) != gpus.end()) {
      return "0: two ranks share a GPU on a node (NCCL refuses that)";
    }
    return "1";
  }

  // Whether every node of a multi-node group runs its device collectives
  // through NCCL, agreed once per group through the epoch's exchange (when
  // the group formed, or at its first device collective): each node votes
  // for its ranks (NcclVote), reads every rank's vote, and on a unanimous
  // yes the node of rank 0 publishes a unique id from which every node makes
  // its ranks' communicators. The answer is kept, a failure as "no". Every
  // node gets the same answer: a node whose communicators could not be made
  // kept the others' from being made too (their creation is collective).
  // An error (a node that never votes: DEADLINE_EXCEEDED naming the rank's
  // key) fails the op that asked.
  StatusOr<bool> AgreeNccl(const OpPlan& plan) {
    {
      std::lock_guard lock(mu_);
      GroupState& state = groups_[plan.group_id];
      if (state.nccl_agreed.has_value()) return *state.nccl_agreed;
    }
    StatusOr<bool> agreed = VoteNccl(plan);
    if (!agreed.ok()) {
      spdlog::warn("group {}: the nodes did not agree on NCCL for device collectives ({}); "
                   "they run staged through host memory",
                   plan.group_id, agreed.status().ToString());
    } else if (agreed.value()) {
      spdlog::info("group {}: device collectives across nodes run through NCCL", plan.group_id);
    }
    std::lock_guard lock(mu_);
    groups_[plan.group_id].nccl_agreed = agreed.ok() && agreed.value();
    return agreed;
  }
  StatusOr<bool> VoteNccl(const OpPlan& plan) {
    GroupExchange& ex = *plan.exchange;
    const std::string vote = NcclVote(plan);
    for (size_t i = 0; i < plan.ranks.size(); ++i) {
      RETURN_IF_ERROR(ex.Set("nccl/vote/" + std::to_string(GroupRank(plan, i)), vote));
    }
    for (uint32_t r = 0; r < plan.world_size; ++r) {
      ASSIGN_OR_RETURN(std::string v, ex.Get("nccl/vote/" + std::to_string(r), plan.deadline));
      if (v != "1") {
        spdlog::info("group {}: device collectives across nodes run staged through host "
                     "memory: rank {} voted '{}'", plan.group_id, r, v);
        return false;
      }
    }
    const bool creator = std::find(plan.group_ranks.begin(), plan.group_ranks.end(), 0u) !=
                         plan.group_ranks.end();
    ASSIGN_OR_RETURN(std::string id,
                     creator ? backend_->NewNcclUniqueId() : ex.Get("nccl/id", plan.deadline));
    if (creator) RETURN_IF_ERROR(ex.Set("nccl/id", id));
    RETURN_IF_ERROR(EnsureNccl(plan, id));
    return true;
  }

  // A multi-node group's share of an op on device memory: NCCL across the
  // nodes when they agreed and the kind is one NCCL runs across nodes,
  // else host staging around the network's algorithm (`run`). Once agreed,
  // a rank whose memory is on another GPU than its communicator fails the
  // op: the other nodes run theirs through NCCL.
  Status RunAcrossNodes(const OpPlan& plan, const HostRun& run) {
    const bool all_device = std::all_of(plan.ranks.begin(), plan.ranks.end(),
                                        [](const RankIo& io) { return io.gpu >= 0; });
    Took(plan, "cuda:staged+network");
    if (plan.exchange == nullptr || !all_device || !CrossNodeNcclKind(plan.kind)) {
      return RunStaged(plan, run);
    }
    ASSIGN_OR_RETURN(bool nccl, AgreeNccl(plan));
    if (!nccl) return RunStaged(plan, run);
    RETURN_IF_ERROR(CheckNcclGpus(plan));
    ASSIGN_OR_RETURN(std::vector<NcclRankCalls> calls, PlanNcclCalls(plan, kNcclPlan));
    Took(plan, "cuda:nccl");
    return EnqueueNccl(plan, calls);
  }

  // FAILED_PRECONDITION when the group's communicators were aborted, or
  // naming the first rank whose memory is not on its communicator's GPU.
  Status CheckNcclGpus(const OpPlan& plan) {
    std::lock_guard lock(mu_);
    const GroupState& state = groups_[plan.group_id];
    if (state.nccl_gpus.empty()) {
      return FailedPrecondition("the group's NCCL communicators were aborted: " +
                                state.nccl_refused.ToString());
    }
    for (size_t i = 0; i < plan.ranks.size(); ++i) {
      const uint32_t gpu = static_cast<uint32_t>(plan.ranks[i].gpu);
      if (i < state.nccl_gpus.size() && state.nccl_gpus[i] == gpu) continue;
      return FailedPrecondition(
          "rank " + std::to_string(GroupRank(plan, i)) + "'s memory is on GPU " +
          std::to_string(gpu) + " but its NCCL communicator, agreed with the other nodes, is " +
          (i < state.nccl_gpus.size() ? "on GPU " + std::to_string(state.nccl_gpus[i])
                                      : std::string("missing")) +
          "; keep a rank's device buffers on the GPU it named at join (or first used)");
    }
    return Status::Ok();
  }

  Status RunStaged(const OpPlan& plan, const HostRun& run) {
    const uint64_t bytes = StagingBytes(plan);
    if (bytes == 0 && !HasDeviceRanks(plan)) return run(plan);
    ASSIGN_OR_RETURN(StagingPool::Buffer buffer, staging_.Take(std::max<uint64_t>(bytes, 64)));
    const StagedPlan staged = StagePlan(plan, buffer.data);
    std::vector<uint32_t> gpus(staged.gpus.begin(), staged.gpus.end());
    auto copies = [&](const std::vector<StagingCopy>& list, bool in, uint32_t g) -> Status {
      for (const StagingCopy& c : list) {
        if (c.gpu != static_cast<int32_t>(g)) continue;
        RETURN_IF_ERROR(in ? backend_->Copy(g, c.host, c.device, c.bytes)
                           : backend_->Copy(g, c.device, c.host, c.bytes));
      }
      return Status::Ok();
    };
    Status status = FanOut(*sequencer_, gpus, [&](uint32_t g) {
      RETURN_IF_ERROR(WaitReady(g, plan));
      return copies(staged.copy_in, true, g);
    });
    if (status.ok()) status = Drain(gpus, plan.deadline);
    if (status.ok()) status = run(staged.host_plan);
    if (status.ok()) {
      status = FanOut(*sequencer_, gpus, [&](uint32_t g) {
        RETURN_IF_ERROR(copies(staged.copy_out, false, g));
        return RecordDone(g, plan);
      });
    }
    if (status.ok()) status = Drain(gpus, plan.deadline);
    if (status.ok()) {
      staging_.Give(buffer);
    } else {
      // Copies may still be in flight: freeing page-locked memory waits for
      // the device, reusing it would not.
      backend_->FreeStaging(buffer.data);
    }
    return status;
  }

  // The watchdog found the group's device work stuck or its communicators
  // failed: abort them (a stuck NCCL op returns), refuse NCCL for the group
  // from now on, and tell the daemon, which breaks the group.
  void OnGroupFailure(uint64_t group_id, const Status& why) {
    bool had_comms = false;
    {
      std::lock_guard lock(mu_);
      auto it = groups_.find(group_id);
      if (it != groups_.end() && !it->second.nccl_gpus.empty()) {
        had_comms = true;
        it->second.nccl_gpus.clear();
        it->second.nccl_refused = why;
      }
    }
    if (had_comms) backend_->DestroyNcclComms(group_id, /*abort=*/true);
    if (options_.on_group_failure) options_.on_group_failure(group_id, why);
  }

  // Frees a group's signal blocks and communicators (aborted: the group is
  // gone, nothing may wait on them).
  void Release(uint64_t group_id, GroupState& state) {
    for (auto& [gpus, blocks] : state.signals) {
      for (size_t i = 0; i < blocks.size(); ++i) backend_->FreeSignal(gpus[i], blocks[i]);
    }
    state.signals.clear();
    if (!state.nccl_gpus.empty()) backend_->DestroyNcclComms(group_id, /*abort=*/true);
    state.nccl_gpus.clear();
  }

  std::unique_ptr<GpuBackend> backend_;
  Engine* const host_;
  const DeviceEngineOptions options_;
  StagingPool staging_;
  EventPool events_;  // the ops' tails (after backend_: destroys through it)
  std::vector<Status> bind_;  // per GPU, written by its worker first
  std::mutex mu_;
  std::map<uint64_t, GroupState> groups_;
  std::vector<std::unique_ptr<GpuWorker>> workers_;  // stopped first
  std::unique_ptr<LaunchSequencer> sequencer_;
  // Made last, destroyed first (in the destructor's body).
  std::unique_ptr<OpWatchdog> watchdog_;
};

}  // namespace

std::unique_ptr<Engine> MakeDeviceEngine(std::unique_ptr<GpuBackend> backend, Engine* host,
                                         DeviceEngineOptions options) {
  return std::make_unique<DeviceEngine>(std::move(backend), host, std::move(options));
}

}  // namespace ccs::cuda
