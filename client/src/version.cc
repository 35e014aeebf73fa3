#include "ccs/version.h"

// CCS_SDK_VERSION and CCS_SDK_GIT_COMMIT come from client/CMakeLists.txt.
namespace ccs {

std::string_view SdkVersion() { return CCS_SDK_VERSION; }
std::string_view SdkGitCommit() { return CCS_SDK_GIT_COMMIT; }

}  // namespace ccs
