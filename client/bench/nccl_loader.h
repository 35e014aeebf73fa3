// The few NCCL entry points ccs-bench's single-rank baseline calls, loaded
// with dlopen so that ccs-bench does not link NCCL (only the CUDA build
// compiles this; the types come from nccl.h).
#pragma once

#include <nccl.h>

#include <string>

namespace ccs::bench {

struct NcclApi {
  decltype(&ncclGetVersion) get_version = nullptr;
  decltype(&ncclGetUniqueId) get_unique_id = nullptr;
  decltype(&ncclCommInitRank) comm_init_rank = nullptr;
  decltype(&ncclAllReduce) all_reduce = nullptr;
  decltype(&ncclCommDestroy) comm_destroy = nullptr;
  decltype(&ncclGetErrorString) get_error_string = nullptr;
};

// dlopen(`library`) and resolves every entry point. On failure returns
// false and sets *why (dlerror's text). The library stays loaded for the
// life of the process. Not thread-safe.
bool LoadNccl(const std::string& library, NcclApi* api, std::string* why);

}  // namespace ccs::bench
