// SigbusGuard: keeps a client that shrinks its shared-memory segment after
// registering it from crashing the daemon.
//
// Touching a MAP_SHARED page past the end of a truncated object raises
// SIGBUS. The guard's handler checks whether the faulting address lies in a
// watched range; if so it maps anonymous zero pages over the rest of that
// range (so the faulting instruction completes) and marks the range faulted.
// Whoever used the range then reports the op as failed instead of trusting
// its result (the technique Wayland compositors use for wl_shm pools).
// Faults anywhere else keep the default action (the process dies).
#pragma once

#include <cstddef>

namespace ccs {

class SigbusGuard {
 public:
  // Installs the process-wide SIGBUS handler. Idempotent, thread-safe.
  static void Install();
  // Watches [begin, begin + size); returns a slot id, or -1 when every slot
  // (65536) is taken. Thread-safe.
  static int Watch(void* begin, size_t size);
  // Stops watching `slot` (before the range is unmapped). Thread-safe.
  static void Unwatch(int slot);
  // True once a fault in `slot`'s range was absorbed. Thread-safe.
  static bool Faulted(int slot);
};

}  // namespace ccs
