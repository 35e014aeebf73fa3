#include "daemon/engine/host/host_engine.h"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "daemon/engine/host/all_to_all.h"
#include "daemon/engine/host/copy_collectives.h"
#include "daemon/engine/host/part_slicing.h"
#include "daemon/engine/host/plan_check.h"
#include "daemon/engine/host/reduce_collectives.h"
#include "daemon/engine/host/reduce_kernels.h"
#include "daemon/engine/host/scratch_pool.h"
#include "daemon/engine/host/thread_pool.h"

namespace ccs {
namespace {

// Staging buffers larger than this are freed after each op.
constexpr size_t kMaxRetainedScratchBytes = size_t{256} << 20;

unsigned ResolveThreads(unsigned requested) {
  if (requested != 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

class HostEngine final : public Engine {
 public:
  explicit HostEngine(const HostEngineOptions& options)
      : threads_(ResolveThreads(options.threads)),
        parallel_threshold_bytes_(options.parallel_threshold_bytes),
        pool_(threads_ - 1),
        scratch_(kMaxRetainedScratchBytes) {}

  Status Execute(const OpPlan& plan) override;
  std::string_view Name() const override { return "host"; }

 private:
  // 1 up to the threshold; above it one part per thread, but no part
  // smaller than half the threshold (per rank).
  size_t PartsFor(uint64_t max_rank_bytes) const {
    if (max_rank_bytes <= parallel_threshold_bytes_) return 1;
    const uint64_t min_part = std::max<uint64_t>(parallel_threshold_bytes_ / 2, 1);
    const uint64_t by_size = max_rank_bytes / min_part + (max_rank_bytes % min_part != 0);
    return static_cast<size_t>(std::min<uint64_t>(threads_, by_size));
  }
  Status RunAllToAll(const OpPlan& plan, size_t parts);

  const unsigned threads_;
  const size_t parallel_threshold_bytes_;
  host::ThreadPool pool_;
  host::ScratchPool scratch_;
};

Status HostEngine::Execute(const OpPlan& plan) {
  ASSIGN_OR_RETURN(const host::PlanShape shape, host::CheckPlan(plan));
  const size_t parts = PartsFor(shape.max_rank_bytes);
  if (IsReduction(plan.kind)) {
    const host::ReduceKernel* kernel = host::FindReduceKernel(plan.dtype, plan.op);
    if (kernel == nullptr) {
      return InvalidArgument("no reduce kernel for this dtype and op");
    }
    pool_.ParallelFor(
        parts, [&](size_t part) { host::RunReductionPart(plan, *kernel, part, parts); });
    return Status::Ok();
  }
  if (host::IsCopyKind(plan.kind)) {
    pool_.ParallelFor(parts, [&](size_t part) { host::RunCopyPart(plan, part, parts); });
    return Status::Ok();
  }
  if (plan.kind == CollectiveKind::kAllToAll || plan.kind == CollectiveKind::kAllToAllV) {
    return RunAllToAll(plan, parts);
  }
  return Status::Ok();  // barrier
}

Status HostEngine::RunAllToAll(const OpPlan& plan, size_t parts) {
  // Per calling thread, grown to the largest group seen, then reused. Parts
  // running on workers must reach them through `t`, not by name.
  struct Tables {
    std::vector<uint64_t> offsets;
    std::vector<bool> staged;
    std::vector<const std::byte*> inputs;
  };
  thread_local Tables tables;
  Tables& t = tables;
  std::vector<bool>& staged = t.staged;
  std::vector<const std::byte*>& inputs = t.inputs;
  const host::AllToAllLayout layout(plan, t.offsets);
  const size_t n = plan.ranks.size();
  inputs.resize(n);
  for (size_t r = 0; r < n; ++r) inputs[r] = plan.ranks[r].in;

  const auto exchange = [&](size_t part) {
    host::RunAllToAllPart(plan, layout, inputs.data(), part, parts);
  };
  const uint64_t stage_elems = host::StagedInputElems(plan, layout, &staged);
  if (stage_elems == 0) {
    pool_.ParallelFor(parts, exchange);
    return Status::Ok();
  }
  const size_t esz = DataTypeSize(plan.dtype);
  const host::ScratchPool::Lease lease = scratch_.Acquire(stage_elems * esz);
  if (lease.data() == nullptr) {
    return ResourceExhausted("all_to_all: no memory to stage " +
                             std::to_string(stage_elems * esz) +
                             " bytes of in-place input");
  }
  std::byte* next = lease.data();
  for (size_t r = 0; r < n; ++r) {
    if (!staged[r]) continue;
    inputs[r] = next;
    next += layout.InputSize(r) * esz;
  }
  pool_.ParallelFor(parts, [&](size_t part) {
    for (size_t r = 0; r < n; ++r) {
      if (!staged[r]) continue;
      host::CopySlice(const_cast<std::byte*>(inputs[r]), plan.ranks[r].in,
                      layout.InputSize(r) * esz, part, parts);
    }
  });
  pool_.ParallelFor(parts, exchange);
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Engine> MakeHostEngine(const HostEngineOptions& options) {
  return std::make_unique<HostEngine>(options);
}

}  // namespace ccs
