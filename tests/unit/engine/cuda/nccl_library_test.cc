// NcclLibrary: loading NCCL at run time needs no GPU, so CI loads the
// installed library, reads its version and checks the errors for bad paths.
#include "daemon/engine/cuda/nccl_library.h"

#include <catch2/catch.hpp>

namespace ccs::cuda {
namespace {

TEST_CASE("the system NCCL loads and reports its version", "[cuda][nccl]") {
  auto lib = NcclLibrary::Load("libnccl.so.2");
  REQUIRE(lib.ok());
  const NcclLibrary& nccl = **lib;
  CHECK(nccl.version_code() >= 21800);
  CHECK(nccl.version().rfind("2.", 0) == 0);
  CHECK(nccl.requested_path() == "libnccl.so.2");
  CHECK(nccl.loaded_path().find("libnccl.so.2") != std::string::npos);
  const NcclApi& api = nccl.api();
  CHECK(api.AllReduce != nullptr);
  CHECK(api.CommAbort != nullptr);
  CHECK(api.CommGetAsyncError != nullptr);
  CHECK(api.GroupEnd != nullptr);
  // The header we compiled against matches the installed library here.
  CHECK(nccl.version_code() == NCCL_VERSION_CODE);
}

TEST_CASE("a path that does not load is an error naming it and the option",
          "[cuda][nccl]") {
  auto lib = NcclLibrary::Load("/nonexistent/libnccl.so.2");
  CHECK(lib.status().code() == StatusCode::kFailedPrecondition);
  CHECK(lib.status().message().find("cannot load the NCCL library "
                                    "'/nonexistent/libnccl.so.2'") != std::string::npos);
  CHECK(lib.status().message().find("nccl_library") != std::string::npos);
  CHECK(NcclLibrary::Load("").status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("a library that is not NCCL is refused naming the missing symbol",
          "[cuda][nccl]") {
  auto lib = NcclLibrary::Load("libm.so.6");
  CHECK(lib.status().code() == StatusCode::kFailedPrecondition);
  CHECK(lib.status().message().find("has no ncclGetVersion") != std::string::npos);
}

TEST_CASE("NCCL results convert to Status at the boundary", "[cuda][nccl]") {
  auto lib = NcclLibrary::Load("libnccl.so.2");
  REQUIRE(lib.ok());
  CHECK((*lib)->ToStatus(ncclSuccess, "x").ok());
  auto bad = (*lib)->ToStatus(ncclInvalidArgument, "ncclAllReduce of group 'g'");
  CHECK(bad.code() == StatusCode::kInvalidArgument);
  CHECK(bad.message().rfind("ncclAllReduce of group 'g': ", 0) == 0);
  CHECK((*lib)->ToStatus(ncclRemoteError, "x").code() == StatusCode::kUnavailable);
  CHECK((*lib)->ToStatus(ncclUnhandledCudaError, "x").code() == StatusCode::kInternal);
}

TEST_CASE("NCCL version codes format in both encodings", "[cuda][nccl]") {
  CHECK(FormatNcclVersion(22809) == "2.28.9");
  CHECK(FormatNcclVersion(21803) == "2.18.3");
  CHECK(FormatNcclVersion(2804) == "2.8.4");
}

}  // namespace
}  // namespace ccs::cuda
