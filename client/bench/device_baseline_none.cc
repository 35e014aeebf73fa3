#include "client/bench/device_baseline.h"

namespace ccs::bench {

DeviceBaselines MeasureDeviceBaselinesHere(const BenchOptions&) {
  DeviceBaselines b;
  b.memcpy_note = b.nccl_note = "not run: ccs-bench was built without CUDA";
  return b;
}

}  // namespace ccs::bench
