// ccsctl's exit codes, a stable interface for scripts:
//   0  success
//   1  usage error (bad command line)
//   2  daemon unreachable (UNAVAILABLE or DEADLINE_EXCEEDED)
//   3  not found (e.g. `describe group` of a name the daemon does not know)
//   4  any other error
#pragma once

#include "ccs/error.h"

namespace ccs::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitUnreachable = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitError = 4;

// The table above, for `ccsctl --help`.
inline constexpr char kExitCodesHelp[] =
    "Exit codes: 0 ok, 1 usage error, 2 daemon unreachable (UNAVAILABLE or\n"
    "DEADLINE_EXCEEDED), 3 not found, 4 any other error.\n"
    "The address defaults to $CCS_ADDRESS, else unix:///run/ccs/ccs.sock.";

// The exit code for an error of `code`.
int ExitCodeFor(Code code);

}  // namespace ccs::cli
