// The boundary where Gloo's exceptions become ccs::Status. Every call into
// Gloo from ccs goes through GlooCall; nothing above daemon/engine/gloo sees
// a Gloo exception (or header).
#pragma once

#include <gloo/common/error.h>
#include <gloo/common/logging.h>

#include <exception>
#include <string_view>
#include <system_error>

#include "daemon/core/status.h"

namespace ccs::gloo_engine {

// The Status for a gloo::IoException `what` raised while doing `doing`:
// DEADLINE_EXCEEDED when Gloo says something timed out, UNAVAILABLE otherwise
// (a peer closed its connection or could not be reached).
Status GlooIoStatus(std::string_view doing, std::string_view what);

// Runs `fn` and returns OK, or the Status for the exception it threw:
// IoException as GlooIoStatus; InvalidOperationException FAILED_PRECONDITION;
// EnforceNotMet and other Gloo errors INTERNAL; std::system_error from its
// errno; anything else INTERNAL. Messages read "<doing>: <Gloo's message>".
template <typename Fn>
Status GlooCall(std::string_view doing, Fn&& fn) {
  auto message = [doing](const char* what) { return std::string(doing) + ": " + what; };
  try {
    fn();
    return Status::Ok();
  } catch (const ::gloo::IoException& e) {
    return GlooIoStatus(doing, e.what());
  } catch (const ::gloo::InvalidOperationException& e) {
    return FailedPrecondition(message(e.what()));
  } catch (const ::gloo::EnforceNotMet& e) {
    return Internal(message(e.what()));
  } catch (const std::system_error& e) {
    return ErrnoStatus(doing, e.code().value());
  } catch (const std::exception& e) {
    return Internal(message(e.what()));
  }
}

}  // namespace ccs::gloo_engine
