// OpObserver: how code outside the core (metrics) learns about every op a
// group finishes, without the core knowing who listens.
#pragma once

#include "daemon/core/flight_recorder.h"

namespace ccs {

class OpObserver {
 public:
  virtual ~OpObserver() = default;

  // Called once per op when it completes or fails, with the record the
  // group's flight recorder keeps. Runs on a group's executor or gRPC
  // thread with that group's lock held: it must not block and must not call
  // into any group. Called concurrently by many groups.
  virtual void OnOpFinished(const OpRecord& record) = 0;
};

}  // namespace ccs
