#include "ccs/error.h"

#include <grpcpp/support/status.h>

#include <catch2/catch.hpp>

#include "client/src/convert.h"

namespace ccs {
namespace {

TEST_CASE("what() is the code name, a colon and the message", "[error]") {
  Error e(Code::kNotFound, "no group named tp0");
  REQUIRE(std::string(e.what()) == "NOT_FOUND: no group named tp0");
  REQUIRE(e.code() == Code::kNotFound);
  REQUIRE(e.message() == "no group named tp0");
}

TEST_CASE("code names are spelled as gRPC spells them", "[error]") {
  REQUIRE(CodeName(Code::kOk) == "OK");
  REQUIRE(CodeName(Code::kInvalidArgument) == "INVALID_ARGUMENT");
  REQUIRE(CodeName(Code::kDeadlineExceeded) == "DEADLINE_EXCEEDED");
  REQUIRE(CodeName(Code::kFailedPrecondition) == "FAILED_PRECONDITION");
  REQUIRE(CodeName(Code::kUnavailable) == "UNAVAILABLE");
  REQUIRE(CodeName(Code::kUnauthenticated) == "UNAUTHENTICATED");
}

TEST_CASE("a gRPC status maps to the same numeric code with the daemon's message",
          "[error]") {
  for (int code = 1; code <= 16; ++code) {
    const grpc::Status status(static_cast<grpc::StatusCode>(code), "daemon says why");
    const Error e = convert::ToError(status);
    CAPTURE(code);
    REQUIRE(static_cast<int>(e.code()) == code);
    REQUIRE(e.message() == "daemon says why");
  }
}

TEST_CASE("a gRPC status without a message keeps its code name as the message",
          "[error]") {
  const Error e = convert::ToError(grpc::Status(grpc::StatusCode::ABORTED, ""));
  REQUIRE(e.code() == Code::kAborted);
  REQUIRE(e.message() == "ABORTED");
}

TEST_CASE("a status code outside gRPC's range becomes UNKNOWN", "[error]") {
  REQUIRE(convert::ToCode(static_cast<grpc::StatusCode>(42)) == Code::kUnknown);
}

}  // namespace
}  // namespace ccs
