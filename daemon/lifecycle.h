// The life of a started ccsd: serve until a signal, reload on SIGHUP, drain
// on SIGTERM/SIGINT, stop. Reports to systemd through sd_notify (READY,
// STATUS, STOPPING, WATCHDOG) when NOTIFY_SOCKET is set; silent otherwise.
#pragma once

#include <signal.h>

#include <functional>

#include "daemon/core/config.h"
#include "daemon/core/status.h"
#include "daemon/daemon.h"

namespace ccs {

// Loads the configuration again for SIGHUP.
using ConfigReloader = std::function<StatusOr<Config>()>;

// Runs on the main thread after daemon.Start() succeeded; `signals` (SIGTERM,
// SIGINT, SIGHUP) must be blocked in every thread. Returns when the daemon
// has stopped:
//  - SIGHUP: reload() and apply the log level and limits; keep serving.
//  - SIGTERM/SIGINT: Daemon::BeginDrain, then wait until no op is in flight
//    or config drain_grace_ms passed (a second SIGTERM/SIGINT ends the wait
//    at once), then Daemon::Stop, failing what is left with UNAVAILABLE
//    naming the drain.
void ServeUntilStopped(Daemon& daemon, const sigset_t& signals,
                       const ConfigReloader& reload);

}  // namespace ccs
