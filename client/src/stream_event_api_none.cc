#include "ccs/error.h"
#include "client/src/stream_event_api.h"

namespace ccs {
namespace {

[[noreturn]] void Refuse() {
  throw Error(Code::kUnimplemented,
              "stream order needs the ccs SDK built with CUDA; this libccs was built "
              "without it (CCS_WITH_CUDA=OFF or no nvcc at build time)");
}

class NoStreamEvents final : public StreamEventApi {
 public:
  ExportedClientEvent CreateIpcEvent(int) override { Refuse(); }
  void* OpenIpcEvent(int, const std::string&) override { Refuse(); }
  void DestroyEvent(int, void*) noexcept override {}
  void Record(int, void*, void*) override { Refuse(); }
  void Wait(int, void*, void*) override { Refuse(); }
  // Without CUDA no work of this SDK is ever on a stream.
  void Synchronize(void*) override {}
};

}  // namespace

std::unique_ptr<StreamEventApi> MakeStreamEventApi() {
  return std::make_unique<NoStreamEvents>();
}

}  // namespace ccs
