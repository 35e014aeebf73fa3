#include "daemon/engine/engine_router.h"

namespace ccs {

EngineRouter::EngineRouter(Engine* host, Engine* device)
    : host_(host),
      device_(device),
      name_(device == nullptr ? std::string(host->Name())
                              : std::string(host->Name()) + "+" + std::string(device->Name())) {}

StatusOr<Engine*> EngineRouter::Device() const {
  if (device_ == nullptr) {
    return FailedPrecondition("the op has device buffers but this ccsd has no device engine");
  }
  return device_;
}

Status EngineRouter::Execute(const OpPlan& plan) {
  if (!HasDeviceRanks(plan)) {
    if (plan.path != nullptr) *plan.path = host_->Name();
    return host_->Execute(plan);
  }
  ASSIGN_OR_RETURN(Engine * device, Device());
  return device->Execute(plan);
}

Status EngineRouter::ExecuteStaged(const OpPlan& plan, const HostRun& run) {
  if (!HasDeviceRanks(plan)) {
    if (plan.path != nullptr) *plan.path = "network";
    return run(plan);
  }
  ASSIGN_OR_RETURN(Engine * device, Device());
  return device->ExecuteStaged(plan, run);
}

void EngineRouter::PrepareGroup(const GroupSetup& setup) {
  if (device_ != nullptr) device_->PrepareGroup(setup);
}

void EngineRouter::ForgetGroup(uint64_t group_id) {
  host_->ForgetGroup(group_id);
  if (device_ != nullptr) device_->ForgetGroup(group_id);
}

}  // namespace ccs
