// NcclLibrary: NCCL loaded at run time from a configurable path (config
// option nccl_library, default the system's libnccl.so.2), like the seeds'
// NCCL .so override, so a deployment picks its NCCL without rebuilding ccsd.
// nccl.h supplies the types only; nothing links libnccl.
//
// Only the CUDA engine includes this header.
#pragma once

#include <nccl.h>

#include <memory>
#include <string>
#include <string_view>

#include "daemon/core/status.h"

namespace ccs::cuda {

// The entry points the engine uses. Members marked optional are null when
// the loaded NCCL is older than the symbol (the engine then uses grouped
// send/recv instead).
struct NcclApi {
  decltype(&ncclGetVersion) GetVersion = nullptr;
  decltype(&ncclGetErrorString) GetErrorString = nullptr;
  decltype(&ncclGetLastError) GetLastError = nullptr;
  decltype(&ncclGetUniqueId) GetUniqueId = nullptr;
  decltype(&ncclCommInitRankConfig) CommInitRankConfig = nullptr;
  decltype(&ncclCommFinalize) CommFinalize = nullptr;
  decltype(&ncclCommDestroy) CommDestroy = nullptr;
  decltype(&ncclCommAbort) CommAbort = nullptr;
  decltype(&ncclCommGetAsyncError) CommGetAsyncError = nullptr;
  decltype(&ncclAllReduce) AllReduce = nullptr;
  decltype(&ncclBroadcast) Broadcast = nullptr;
  decltype(&ncclReduce) Reduce = nullptr;
  decltype(&ncclAllGather) AllGather = nullptr;
  decltype(&ncclReduceScatter) ReduceScatter = nullptr;
  decltype(&ncclSend) Send = nullptr;
  decltype(&ncclRecv) Recv = nullptr;
  decltype(&ncclGroupStart) GroupStart = nullptr;
  decltype(&ncclGroupEnd) GroupEnd = nullptr;
  decltype(&ncclAlltoAll) AlltoAll = nullptr;  // optional (NCCL 2.28+)
  decltype(&ncclGather) Gather = nullptr;      // optional (NCCL 2.28+)
  decltype(&ncclScatter) Scatter = nullptr;    // optional (NCCL 2.28+)
};

class NcclLibrary {
 public:
  // dlopen()s `path` (a file name searched like the dynamic linker does, or
  // a path), resolves every required symbol and reads the version. Needs no
  // GPU. FAILED_PRECONDITION naming the path and the config option when the
  // file cannot be loaded, naming the symbol when one is missing, and the
  // NCCL error when ncclGetVersion fails.
  static StatusOr<std::unique_ptr<NcclLibrary>> Load(const std::string& path);
  // Leaves the library loaded: NCCL's own threads (the bootstrap root that
  // ncclGetUniqueId starts, proxy threads) outlive the calls that started
  // them, and unloading their code under them crashes the process.
  ~NcclLibrary();
  NcclLibrary(const NcclLibrary&) = delete;
  NcclLibrary& operator=(const NcclLibrary&) = delete;

  const NcclApi& api() const { return api_; }
  int version_code() const { return version_code_; }  // ncclGetVersion's value
  std::string version() const;                        // "2.28.9"
  const std::string& requested_path() const { return requested_path_; }
  // The file the dynamic linker actually loaded (absolute when known).
  const std::string& loaded_path() const { return loaded_path_; }

  // Converts an NCCL result at the boundary: OK for ncclSuccess, else a
  // Status "<what>: <ncclGetErrorString> (<ncclGetLastError>)" whose code
  // follows the result (ncclInvalidArgument/ncclInvalidUsage ->
  // INVALID_ARGUMENT, ncclRemoteError/ncclSystemError -> UNAVAILABLE,
  // ncclInProgress -> UNAVAILABLE, others INTERNAL).
  Status ToStatus(ncclResult_t result, std::string_view what) const;

 private:
  NcclLibrary() = default;

  void* handle_ = nullptr;
  NcclApi api_;
  int version_code_ = 0;
  std::string requested_path_;
  std::string loaded_path_;
};

// "2.28.9" from ncclGetVersion's code (both the >= 2.9 encoding
// major*10000+minor*100+patch and the older major*1000+minor*100+patch).
std::string FormatNcclVersion(int code);

}  // namespace ccs::cuda
