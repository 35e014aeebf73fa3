#include <spdlog/spdlog.h>

#include "daemon/engine/cuda/environment.h"

namespace ccs::cuda {

void LogCudaEnvironment(const std::string&) {
  spdlog::debug("cuda: this ccsd was built without CUDA; device buffers are refused");
}

}  // namespace ccs::cuda
