#include "client/bench/nccl_loader.h"

#include <dlfcn.h>

namespace ccs::bench {
namespace {

template <typename Fn>
bool Resolve(void* lib, const char* name, Fn* fn, std::string* why) {
  *fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (*fn == nullptr) *why = std::string("dlsym ") + name + " failed";
  return *fn != nullptr;
}

}  // namespace

bool LoadNccl(const std::string& library, NcclApi* api, std::string* why) {
  void* lib = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* err = dlerror();
    *why = "dlopen " + library + ": " + (err != nullptr ? err : "failed");
    return false;
  }
  return Resolve(lib, "ncclGetVersion", &api->get_version, why) &&
         Resolve(lib, "ncclGetUniqueId", &api->get_unique_id, why) &&
         Resolve(lib, "ncclCommInitRank", &api->comm_init_rank, why) &&
         Resolve(lib, "ncclAllReduce", &api->all_reduce, why) &&
         Resolve(lib, "ncclCommDestroy", &api->comm_destroy, why) &&
         Resolve(lib, "ncclGetErrorString", &api->get_error_string, why);
}

}  // namespace ccs::bench
