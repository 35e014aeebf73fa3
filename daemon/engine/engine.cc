#include "daemon/engine/engine.h"

#include <algorithm>

namespace ccs {

bool HasDeviceRanks(const OpPlan& plan) {
  return std::any_of(plan.ranks.begin(), plan.ranks.end(),
                     [](const RankIo& r) { return r.gpu >= 0; });
}

}  // namespace ccs
