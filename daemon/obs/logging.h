// Logging setup: spdlog to stderr as text or JSON lines.
#pragma once

#include <string>

#include "daemon/core/status.h"

namespace ccs {

// Sets the default logger's level ("trace".."error") and format ("text" or
// "json": one object per line with ts, level, msg). INVALID_ARGUMENT for an
// unknown level or format. Call from one thread; may be called again
// (SIGHUP reload).
Status SetupLogging(const std::string& level, const std::string& format);

}  // namespace ccs
