// FakeIpcEventOpener: the test double of IpcEventOpener (CUDA IPC events
// need a GPU). Hands out distinct fake events and records every open,
// create, close and destroy, so tests can check that each registration
// opens once and releases exactly what it opened.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "daemon/engine/cuda/ipc_event_opener.h"

namespace ccs::cuda {

class FakeIpcEventOpener final : public IpcEventOpener {
 public:
  StatusOr<void*> OpenEvent(int ordinal, const IpcHandleBytes&) override {
    ++opens;
    if (fail_open) return InvalidArgument("cudaIpcOpenEventHandle (fake): bad handle");
    return Next(ordinal);
  }
  void CloseEvent(int, void* event) override { Release(event, closed); }
  StatusOr<ExportedEvent> CreateEvent(int ordinal) override {
    ++creates;
    if (fail_create) return Internal("cudaEventCreateWithFlags (fake): failed");
    ExportedEvent e;
    e.event = Next(ordinal);
    e.handle.fill(static_cast<uint8_t>(0x40 + creates));
    return e;
  }
  void DestroyEvent(int, void* event) override { Release(event, destroyed); }

  int opens = 0;
  int creates = 0;
  bool fail_open = false;
  bool fail_create = false;
  std::map<void*, int> live;  // event -> ordinal
  std::vector<void*> closed;
  std::vector<void*> destroyed;

 private:
  void* Next(int ordinal) {
    next_ += 0x10;
    void* e = reinterpret_cast<void*>(next_);
    live[e] = ordinal;
    return e;
  }
  void Release(void* event, std::vector<void*>& into) {
    into.push_back(event);
    live.erase(event);
  }
  uintptr_t next_ = 0x1000;
};

}  // namespace ccs::cuda
