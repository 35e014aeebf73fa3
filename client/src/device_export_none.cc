#include "ccs/error.h"
#include "client/src/device_export.h"

namespace ccs {

DeviceExport ExportDeviceRange(void*, size_t) {
  throw Error(Code::kUnimplemented,
              "device buffers need the ccs SDK built with CUDA; this libccs was built "
              "without it (CCS_WITH_CUDA=OFF or no nvcc at build time)");
}

std::string DeviceUuidOf(int) {
  throw Error(Code::kUnimplemented,
              "naming a CUDA device needs the ccs SDK built with CUDA; this libccs was "
              "built without it");
}

}  // namespace ccs
