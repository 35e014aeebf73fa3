// The SDK's device buffer export without a GPU: every failure is a
// ccs::Error naming its cause, never a crash or a half-filled export. The
// real export (cudaMalloc memory) runs in tests/gpu (device_buffer_gpu_test).
#include "client/src/device_export.h"

#include <catch2/catch.hpp>
#include <vector>

#include "ccs/error.h"

namespace ccs {
namespace {

Code ExportCode(void* ptr, size_t bytes, std::string* message) {
  try {
    ExportDeviceRange(ptr, bytes);
  } catch (const Error& e) {
    *message = e.message();
    return e.code();
  }
  return Code::kOk;
}

TEST_CASE("host memory is refused as a device buffer, naming why", "[client][device]") {
  std::vector<char> host(4096);
  std::string message;
  Code code = ExportCode(host.data(), host.size(), &message);
#if CCS_TEST_SDK_CUDA
  // No driver here: the CUDA call that failed; on a GPU machine: not device memory.
  CHECK((code == Code::kFailedPrecondition || code == Code::kInvalidArgument));
  CHECK((message.find("cudaPointerGetAttributes") != std::string::npos ||
         message.find("not device memory") != std::string::npos));
#else
  CHECK(code == Code::kUnimplemented);
  CHECK(message.find("built without") != std::string::npos);
#endif
}

TEST_CASE("a null device pointer is refused", "[client][device]") {
  std::string message;
  Code code = ExportCode(nullptr, 16, &message);
#if CCS_TEST_SDK_CUDA
  CHECK(code == Code::kInvalidArgument);
#else
  CHECK(code == Code::kUnimplemented);
#endif
  CHECK(!message.empty());
}

}  // namespace
}  // namespace ccs
