// Test-wide facts: binary paths from the environment, and whether the running
// Catch2 test case has failed.
#pragma once

#include <string>

namespace ccs::it {

// $name, or throws std::runtime_error naming the variable: a test never skips
// itself because a binary is missing. CMake sets CCSD, CCSCTL, CCS_TEST_RANK.
std::string RequireEnv(const char* name);

inline std::string CcsdPath() { return RequireEnv("CCSD"); }
inline std::string CcsctlPath() { return RequireEnv("CCSCTL"); }
inline std::string RankWorkerPath() { return RequireEnv("CCS_TEST_RANK"); }

// True once an assertion of the current Catch2 test case has failed (a
// listener resets it when a test case starts).
bool CurrentTestFailed();

}  // namespace ccs::it
