#include "daemon/core/status.h"

#include <catch2/catch.hpp>
#include <cerrno>

namespace ccs {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Status Quarter(int x, int* out) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(*out, Half(h));
  return Status::Ok();
}

TEST_CASE("Status carries code and message", "[status]") {
  Status s = NotFound("group 'g' is unknown");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.ToString() == "NOT_FOUND: group 'g' is unknown");
  CHECK(Status::Ok().ok());
}

TEST_CASE("ASSIGN_OR_RETURN propagates the first error", "[status]") {
  int out = 0;
  CHECK(Quarter(8, &out).ok());
  CHECK(out == 2);
  Status s = Quarter(6, &out);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "odd: 3");
}

TEST_CASE("ErrnoStatus maps errno to codes", "[status]") {
  CHECK(ErrnoStatus("open", ENOENT).code() == StatusCode::kNotFound);
  CHECK(ErrnoStatus("open", EACCES).code() == StatusCode::kPermissionDenied);
  CHECK(ErrnoStatus("mmap", ENOMEM).code() == StatusCode::kResourceExhausted);
  CHECK(ErrnoStatus("x", EIO).code() == StatusCode::kInternal);
}

}  // namespace
}  // namespace ccs
