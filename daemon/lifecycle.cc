#include "daemon/lifecycle.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <chrono>
#include <string>

#include "daemon/obs/logging.h"

namespace ccs {
namespace {

using Millis = std::chrono::milliseconds;

// How long calls still open get once the daemon stops. Ops and session
// streams are answered before; gRPC also waits this long for clients that
// keep their connection open.
constexpr Millis kServerStopGrace{500};
// How often the drain looks at the in-flight ops.
constexpr Millis kDrainPoll{20};

void Notify(const std::string& state) { sd_notify(0, state.c_str()); }

timespec ToTimespec(Millis ms) {
  return {static_cast<time_t>(ms.count() / 1000),
          static_cast<long>(ms.count() % 1000) * 1000000};
}

// Under systemd's WatchdogSec: ping at half the interval. Otherwise 0.
Millis WatchdogInterval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0) return Millis(0);
  return std::chrono::duration_cast<Millis>(std::chrono::microseconds(usec / 2));
}

void Reload(Daemon& daemon, const ConfigReloader& reload) {
  StatusOr<Config> config = reload();
  if (!config.ok()) {
    spdlog::error("SIGHUP: configuration not reloaded: {}", config.status().ToString());
    return;
  }
  (void)SetupLogging(config->log_level, config->log_format);
  daemon.Reload(*config);
  spdlog::info("SIGHUP: reloaded log level and limits");
}

// Waits for the in-flight ops to finish; returns why the wait ended.
std::string Drain(Daemon& daemon, const sigset_t& signals, Millis watchdog) {
  const Millis grace(daemon.config().drain_grace_ms);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + grace;
  daemon.BeginDrain();
  size_t last = SIZE_MAX;
  auto pinged = start;
  for (;;) {
    const size_t in_flight = daemon.InFlightOps();
    const auto now = std::chrono::steady_clock::now();
    if (in_flight == 0) return "";
    if (now >= deadline) {
      return "its drain grace of " + std::to_string(grace.count()) +
             " ms (drain_grace_ms) ended before the op completed";
    }
    if (in_flight != last) {
      const auto left = std::chrono::duration_cast<Millis>(deadline - now).count();
      spdlog::info("draining: {} op(s) in flight, {} ms of grace left", in_flight, left);
      Notify("STATUS=draining: " + std::to_string(in_flight) + " op(s) in flight, " +
             std::to_string(left) + " ms of grace left");
      last = in_flight;
    }
    if (watchdog.count() > 0 && now - pinged >= watchdog) {
      Notify("WATCHDOG=1");
      pinged = now;
    }
    const timespec wait = ToTimespec(kDrainPoll);
    const int sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig == SIGTERM || sig == SIGINT) {
      spdlog::warn("signal {} while draining: ending the drain now", sig);
      return "a second stop signal ended its drain before the op completed";
    }
    if (sig == SIGHUP) spdlog::info("SIGHUP while draining: configuration not reloaded");
  }
}

}  // namespace

void ServeUntilStopped(Daemon& daemon, const sigset_t& signals,
                       const ConfigReloader& reload) {
  Notify("READY=1\nSTATUS=serving");
  const Millis watchdog = WatchdogInterval();
  // Without a watchdog, wake once a minute (harmless).
  const timespec wake = ToTimespec(watchdog.count() > 0 ? watchdog : Millis(60000));
  for (;;) {
    const int sig = sigtimedwait(&signals, nullptr, &wake);
    if (watchdog.count() > 0) Notify("WATCHDOG=1");
    if (sig < 0) continue;  // timeout or EINTR
    if (sig == SIGHUP) {
      Reload(daemon, reload);
      continue;
    }
    spdlog::info("signal {}: draining for up to {} ms", sig,
                 daemon.config().drain_grace_ms);
    break;
  }
  Notify("STOPPING=1\nSTATUS=draining");
  const std::string cut_short = Drain(daemon, signals, watchdog);
  if (cut_short.empty()) {
    spdlog::info("drained: no op in flight; stopping");
  } else {
    spdlog::warn("drain ended with {} op(s) in flight: {}; failing them with UNAVAILABLE",
                 daemon.InFlightOps(), cut_short);
  }
  Notify("STATUS=stopping");
  daemon.Stop(
      cut_short.empty()
          ? Unavailable("ccsd stopped after SIGTERM once no op was in flight; "
                        "connect to the restarted ccsd")
          : Unavailable("ccsd is shutting down after SIGTERM: " + cut_short +
                        "; the op was failed on every rank that called it and no "
                        "rank got a partial result; run it again on the restarted "
                        "ccsd"),
      kServerStopGrace);
}

}  // namespace ccs
