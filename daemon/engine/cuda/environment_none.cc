#include <spdlog/spdlog.h>

#include "daemon/engine/cuda/environment.h"

namespace ccs::cuda {

std::string LogCudaEnvironment(const std::string&) {
  spdlog::debug("cuda: this ccsd was built without CUDA; device buffers are refused");
  return "";
}

}  // namespace ccs::cuda
