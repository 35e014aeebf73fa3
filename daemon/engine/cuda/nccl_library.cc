#include "daemon/engine/cuda/nccl_library.h"

#include <dlfcn.h>
#include <link.h>

namespace ccs::cuda {
namespace {

constexpr const char* kOption = "config option nccl_library";

template <typename Fn>
Status Resolve(void* handle, const char* name, const std::string& path, bool required,
               Fn* out) {
  dlerror();
  void* sym = dlsym(handle, name);
  if (sym == nullptr && required) {
    return FailedPrecondition("the NCCL library '" + path + "' (" + kOption +
                              ") has no " + name + "; point " + kOption +
                              " at NCCL 2.18 or newer");
  }
  *out = reinterpret_cast<Fn>(sym);
  return Status::Ok();
}

std::string LoadedPath(void* handle, const std::string& fallback) {
  struct link_map* map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr &&
      map->l_name != nullptr && map->l_name[0] != '\0') {
    return map->l_name;
  }
  return fallback;
}

}  // namespace

StatusOr<std::unique_ptr<NcclLibrary>> NcclLibrary::Load(const std::string& path) {
  if (path.empty()) return FailedPrecondition(std::string(kOption) + " is empty");
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = dlerror();
    return FailedPrecondition("cannot load the NCCL library '" + path + "' (" + kOption +
                              "): " + (err != nullptr ? err : "unknown dlopen error"));
  }
  std::unique_ptr<NcclLibrary> lib(new NcclLibrary());
  lib->handle_ = handle;
  lib->requested_path_ = path;
  lib->loaded_path_ = LoadedPath(handle, path);
  NcclApi& a = lib->api_;
#define CCS_NCCL_SYM(field, name, required) \
  RETURN_IF_ERROR(Resolve(handle, #name, path, required, &a.field))
  CCS_NCCL_SYM(GetVersion, ncclGetVersion, true);
  CCS_NCCL_SYM(GetErrorString, ncclGetErrorString, true);
  CCS_NCCL_SYM(GetLastError, ncclGetLastError, true);
  CCS_NCCL_SYM(GetUniqueId, ncclGetUniqueId, true);
  CCS_NCCL_SYM(CommInitRankConfig, ncclCommInitRankConfig, true);
  CCS_NCCL_SYM(CommFinalize, ncclCommFinalize, true);
  CCS_NCCL_SYM(CommDestroy, ncclCommDestroy, true);
  CCS_NCCL_SYM(CommAbort, ncclCommAbort, true);
  CCS_NCCL_SYM(CommGetAsyncError, ncclCommGetAsyncError, true);
  CCS_NCCL_SYM(AllReduce, ncclAllReduce, true);
  CCS_NCCL_SYM(Broadcast, ncclBroadcast, true);
  CCS_NCCL_SYM(Reduce, ncclReduce, true);
  CCS_NCCL_SYM(AllGather, ncclAllGather, true);
  CCS_NCCL_SYM(ReduceScatter, ncclReduceScatter, true);
  CCS_NCCL_SYM(Send, ncclSend, true);
  CCS_NCCL_SYM(Recv, ncclRecv, true);
  CCS_NCCL_SYM(GroupStart, ncclGroupStart, true);
  CCS_NCCL_SYM(GroupEnd, ncclGroupEnd, true);
  CCS_NCCL_SYM(AlltoAll, ncclAlltoAll, false);
  CCS_NCCL_SYM(Gather, ncclGather, false);
  CCS_NCCL_SYM(Scatter, ncclScatter, false);
#undef CCS_NCCL_SYM
  int code = 0;
  ncclResult_t r = a.GetVersion(&code);
  if (r != ncclSuccess) {
    return FailedPrecondition("ncclGetVersion of '" + path + "' (" + kOption +
                              ") failed: " + a.GetErrorString(r));
  }
  lib->version_code_ = code;
  return lib;
}

NcclLibrary::~NcclLibrary() = default;  // no dlclose (see the header)

std::string NcclLibrary::version() const { return FormatNcclVersion(version_code_); }

Status NcclLibrary::ToStatus(ncclResult_t result, std::string_view what) const {
  if (result == ncclSuccess) return Status::Ok();
  std::string text = std::string(what) + ": " + api_.GetErrorString(result);
  const char* last = api_.GetLastError(nullptr);
  if (last != nullptr && last[0] != '\0') text += std::string(" (") + last + ")";
  switch (result) {
    case ncclInvalidArgument:
    case ncclInvalidUsage:
      return InvalidArgument(text);
    case ncclRemoteError:
    case ncclSystemError:
    case ncclInProgress:
      return Unavailable(text);
    default:
      return Internal(text);
  }
}

std::string FormatNcclVersion(int code) {
  int major, minor, patch;
  if (code >= 10000) {
    major = code / 10000;
    minor = (code % 10000) / 100;
    patch = code % 100;
  } else {
    major = code / 1000;
    minor = (code % 1000) / 100;
    patch = code % 100;
  }
  return std::to_string(major) + "." + std::to_string(minor) + "." +
         std::to_string(patch);
}

}  // namespace ccs::cuda
