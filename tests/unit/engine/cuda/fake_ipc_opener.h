// FakeIpcOpener: the test double of IpcOpener. CUDA IPC needs a GPU and a
// driver, which CI does not have; this fake hands out distinct fake base
// addresses and records every open and close so tests can check that an
// allocation is opened once and closed when its last reference goes.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "daemon/engine/cuda/ipc_opener.h"

namespace ccs::cuda {

class FakeIpcOpener final : public IpcOpener {
 public:
  StatusOr<IpcOpened> Open(int ordinal, const IpcHandleBytes& handle) override {
    ++opens;
    if (fail_next) {
      fail_next = false;
      return InvalidArgument(
          "cudaIpcOpenMemHandle (fake): cudaErrorInvalidResourceHandle");
    }
    next_base += 0x100000;
    void* base = reinterpret_cast<void*>(next_base);
    open_now[base] = ordinal;
    return IpcOpened{base, alloc_bytes};
  }
  void Close(int ordinal, void* base) override {
    closed.push_back(base);
    open_now.erase(base);
  }

  int opens = 0;
  bool fail_next = false;
  uint64_t alloc_bytes = 0;  // the size the "driver" reports; 0: unknown
  uintptr_t next_base = 0x7f0000000000;
  std::map<void*, int> open_now;  // base -> ordinal
  std::vector<void*> closed;
};

}  // namespace ccs::cuda
