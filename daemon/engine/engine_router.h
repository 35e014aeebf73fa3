// EngineRouter: the one Engine a daemon's groups use. Plans whose ranks are
// all host memory go to the host engine; plans with device ranks go to the
// device engine (the CUDA engine), which also stages device memory for the
// host algorithms of ExecuteStaged. Without a device engine (no GPU, or a
// build without CUDA) device buffers cannot be registered, so a device plan
// is refused FAILED_PRECONDITION and never reaches the host engine.
#pragma once

#include <memory>
#include <string>

#include "daemon/engine/engine.h"

namespace ccs {

class EngineRouter : public Engine {
 public:
  // `host` must be non-null; `device` may be null. Neither is owned; both
  // must outlive the router.
  EngineRouter(Engine* host, Engine* device);

  Status Execute(const OpPlan& plan) override;
  Status ExecuteStaged(const OpPlan& plan, const HostRun& run) override;
  void PrepareGroup(const GroupSetup& setup) override;
  void ForgetGroup(uint64_t group_id) override;
  // "host" or "host+<device engine's name>".
  std::string_view Name() const override { return name_; }

 private:
  // The device engine, or FAILED_PRECONDITION naming why a device plan
  // cannot run.
  StatusOr<Engine*> Device() const;

  Engine* const host_;
  Engine* const device_;
  const std::string name_;
};

}  // namespace ccs
