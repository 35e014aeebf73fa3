#include "daemon/engine/gloo/error.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace ccs::gloo_engine {

Status GlooIoStatus(std::string_view doing, std::string_view what) {
  std::string lower(what);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string message = std::string(doing) + ": " + std::string(what);
  const bool timed_out = lower.find("timed out") != std::string::npos ||
                         lower.find("timeout") != std::string::npos;
  return timed_out ? DeadlineExceeded(std::move(message))
                   : Unavailable(std::move(message));
}

}  // namespace ccs::gloo_engine
