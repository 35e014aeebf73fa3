#include "daemon/core/sigbus_guard.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

namespace ccs {
namespace {

// A watched range. `end` is published after `begin` and cleared first, so
// the handler never sees a half-written range. Lock-free: the handler reads
// it.
struct Slot {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<bool> faulted{false};
};

constexpr size_t kSlots = 65536;
std::array<Slot, kSlots> g_slots;
uintptr_t g_page_size = 4096;
struct sigaction g_previous {};

void OnSigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  for (Slot& s : g_slots) {
    uintptr_t begin = s.begin.load(std::memory_order_acquire);
    if (begin == 0 || addr < begin) continue;
    uintptr_t end = s.end.load(std::memory_order_acquire);
    if (addr >= end) continue;
    uintptr_t page = addr & ~(g_page_size - 1);
    void* r = mmap(reinterpret_cast<void*>(page), end - page, PROT_READ | PROT_WRITE,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r != MAP_FAILED) {
      s.faulted.store(true, std::memory_order_release);
      return;  // the faulting access is retried on the zero pages
    }
    break;
  }
  // Not ours: whatever was there before decides (by default, death).
  if (g_previous.sa_flags & SA_SIGINFO && g_previous.sa_sigaction != nullptr) {
    g_previous.sa_sigaction(sig, info, context);
    return;
  }
  signal(SIGBUS, g_previous.sa_handler == SIG_IGN ? SIG_DFL : g_previous.sa_handler);
  raise(SIGBUS);
}

}  // namespace

void SigbusGuard::Install() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_page_size = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    struct sigaction sa {};
    sa.sa_sigaction = OnSigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &g_previous);
  });
}

int SigbusGuard::Watch(void* begin, size_t size) {
  const auto b = reinterpret_cast<uintptr_t>(begin);
  for (size_t i = 0; i < kSlots; ++i) {
    uintptr_t expected = 0;
    if (g_slots[i].begin.compare_exchange_strong(expected, b, std::memory_order_acq_rel)) {
      g_slots[i].faulted.store(false, std::memory_order_relaxed);
      g_slots[i].end.store(b + size, std::memory_order_release);
      return static_cast<int>(i);
    }
  }
  return -1;
}

void SigbusGuard::Unwatch(int slot) {
  if (slot < 0) return;
  g_slots[slot].end.store(0, std::memory_order_release);
  g_slots[slot].begin.store(0, std::memory_order_release);
}

bool SigbusGuard::Faulted(int slot) {
  return slot >= 0 && g_slots[slot].faulted.load(std::memory_order_acquire);
}

}  // namespace ccs
