// Status: the one error type of ccs domain code.
//
// A cheap value: OK, or a code plus a message a person can act on. Codes
// mirror gRPC's so the server adapters convert them one to one. Foreign errors
// (errno, gRPC, yaml, Gloo, CUDA) are converted at the boundary that calls
// the foreign API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ccs {

enum class StatusCode : int {
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
};

// Name as gRPC spells it, e.g. "INVALID_ARGUMENT".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "CODE: message", for logs.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Named factories; each takes the full message.
Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status FailedPrecondition(std::string message);
Status DeadlineExceeded(std::string message);
Status Aborted(std::string message);
Status Unavailable(std::string message);
Status PermissionDenied(std::string message);
Status ResourceExhausted(std::string message);
Status Internal(std::string message);
Status Unimplemented(std::string message);
// From errno: "<what>: <strerror(err)>", code chosen from err (ENOENT ->
// NOT_FOUND, EACCES/EPERM -> PERMISSION_DENIED, ENOMEM/EMFILE ->
// RESOURCE_EXHAUSTED, else INTERNAL).
Status ErrnoStatus(std::string_view what, int err);

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ccs

#define CCS_STATUS_CONCAT_INNER(a, b) a##b
#define CCS_STATUS_CONCAT(a, b) CCS_STATUS_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define RETURN_IF_ERROR(expr)                 \
  do {                                        \
    ::ccs::Status _ccs_status = (expr);       \
    if (!_ccs_status.ok()) return _ccs_status; \
  } while (0)

// `lhs = value of expr`, or returns its Status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr)                                      \
  auto CCS_STATUS_CONCAT(_ccs_or_, __LINE__) = (expr);                   \
  if (!CCS_STATUS_CONCAT(_ccs_or_, __LINE__).ok())                       \
    return CCS_STATUS_CONCAT(_ccs_or_, __LINE__).status();               \
  lhs = std::move(CCS_STATUS_CONCAT(_ccs_or_, __LINE__).value())
