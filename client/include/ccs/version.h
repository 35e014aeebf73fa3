// Version of this build of the ccs SDK and tools.
#pragma once

#include <string_view>

namespace ccs {

// "0.1.0": the CMake project version the SDK was built from.
std::string_view SdkVersion();
// Short git commit of the build, or "unknown".
std::string_view SdkGitCommit();

}  // namespace ccs
