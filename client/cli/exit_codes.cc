#include "client/cli/exit_codes.h"

namespace ccs::cli {

int ExitCodeFor(Code code) {
  switch (code) {
    case Code::kOk:
      return kExitOk;
    case Code::kUnavailable:
    case Code::kDeadlineExceeded:
      return kExitUnreachable;
    case Code::kNotFound:
      return kExitNotFound;
    default:
      return kExitError;
  }
}

}  // namespace ccs::cli
