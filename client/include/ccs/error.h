// Errors raised by the ccs SDK.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ccs {

// Same numbering as gRPC status codes.
enum class Code : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// "INVALID_ARGUMENT" etc.
std::string_view CodeName(Code code);

// Thrown by every SDK call that fails. what() is "CODE: message".
class Error : public std::runtime_error {
 public:
  Error(Code code, std::string message);
  Code code() const { return code_; }
  // The daemon's (or SDK's) message without the code prefix.
  const std::string& message() const { return message_; }

 private:
  Code code_;
  std::string message_;
};

}  // namespace ccs
