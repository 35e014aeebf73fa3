// The real device buffer path across two processes, as a client and ccsd
// split it (without gRPC): a child process cudaMallocs, fills a range inside
// the allocation and exports it with the SDK (ExportDeviceRange); the
// parent maps it with the daemon's DeviceBufferMapper over the real CUDA IPC
// opener, twice (one open), and reads the child's bytes back.
//
// Needs a GPU: without one the child reports why and this exits 77, which
// ctest and tests/gpu/run.sh show as Skipped. CUDA is initialised only after
// fork (the parent touches CUDA once the child has exported).
#include <cuda_runtime_api.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <chrono>
#include <string>
#include <vector>

#include "ccs/error.h"
#include "client/src/device_export.h"
#include "daemon/engine/cuda/cuda_devices.h"
#include "daemon/engine/cuda/cuda_ipc_opener.h"
#include "daemon/engine/cuda/device_buffer_mapper.h"

namespace {

constexpr size_t kAlloc = 1 << 20, kOffset = 4096, kBytes = 8192;
constexpr unsigned char kPattern = 0x5a;

// Child -> parent: 'O' and the export, 'S' (skip) or 'E' (error) and why.
struct Message {
  char status = 'E';
  char text[256] = {};
  unsigned char handle[64] = {};
  unsigned char uuid[16] = {};
  uint64_t alloc_offset = 0, alloc_size = 0;
};

void Fail(Message* m, char status, const std::string& why) {
  m->status = status;
  std::snprintf(m->text, sizeof(m->text), "%s", why.c_str());
}

// The client: allocate, fill, export; then wait until the parent is done.
int Child(int to_parent, int from_parent) {
  Message m;
  int devices = 0;
  cudaError_t err = cudaGetDeviceCount(&devices);
  void* base = nullptr;
  if (err != cudaSuccess || devices == 0) {
    Fail(&m, 'S',
         std::string("no usable CUDA device (") +
             (err != cudaSuccess ? cudaGetErrorString(err) : "0 devices") + ")");
  } else if (cudaMalloc(&base, kAlloc) != cudaSuccess ||
             cudaMemset(static_cast<char*>(base) + kOffset, kPattern, kBytes) !=
                 cudaSuccess ||
             cudaDeviceSynchronize() != cudaSuccess) {
    Fail(&m, 'E', "cudaMalloc/cudaMemset failed in the child");
  } else {
    try {
      ccs::DeviceExport e =
          ccs::ExportDeviceRange(static_cast<char*>(base) + kOffset, kBytes);
      std::memcpy(m.handle, e.mem_handle.data(), sizeof(m.handle));
      std::memcpy(m.uuid, e.device_uuid.data(), sizeof(m.uuid));
      m.alloc_offset = e.alloc_offset;
      m.alloc_size = e.alloc_size;
      m.status = 'O';
    } catch (const ccs::Error& e) {
      Fail(&m, 'E', std::string("ExportDeviceRange: ") + e.what());
    }
  }
  if (write(to_parent, &m, sizeof(m)) != static_cast<ssize_t>(sizeof(m))) return 1;
  char done;
  (void)!read(from_parent, &done, 1);  // keep the allocation alive until then
  if (base != nullptr) cudaFree(base);
  return 0;
}

// The daemon side. Returns the process exit code.
int Parent(const Message& m) {
  int failures = 0;
  auto check = [&](bool ok, const std::string& what) {
    std::printf("%s: %s\n", ok ? "ok" : "FAILED", what.c_str());
    if (!ok) ++failures;
  };
  check(m.alloc_offset == kOffset, "the SDK found the offset in the allocation");
  check(m.alloc_size >= kOffset + kBytes, "the SDK found the allocation's size");
  auto devices = ccs::cuda::DiscoverDevices();
  if (!devices.ok()) {
    std::printf("FAILED: DiscoverDevices: %s\n", devices.status().message().c_str());
    return 1;
  }
  ccs::cuda::DeviceBufferMapper mapper(ccs::cuda::MakeCudaIpcOpener(), *devices);
  ccs::cuda::DeviceBufferDesc desc;
  std::memcpy(desc.mem_handle.data(), m.handle, sizeof(m.handle));
  std::memcpy(desc.device.bytes.data(), m.uuid, sizeof(m.uuid));
  desc.alloc_offset = m.alloc_offset;
  desc.alloc_size = m.alloc_size;
  desc.size_bytes = kBytes;
  auto a = mapper.Map(1, desc);
  desc.alloc_offset = 0;
  desc.size_bytes = kOffset;
  auto b = mapper.Map(1, desc);
  check(a.ok(), "mapped the range: " + (a.ok() ? std::string() : a.status().message()));
  check(b.ok(), "mapped a second range of the allocation");
  check(mapper.mapped() == 1, "the allocation was opened once");
  if (a.ok()) {
    std::vector<unsigned char> host(kBytes);
    cudaError_t err = cudaMemcpy(host.data(), (*a)->data, kBytes, cudaMemcpyDeviceToHost);
    check(err == cudaSuccess,
          std::string("cudaMemcpy from the mapping: ") + cudaGetErrorString(err));
    size_t wrong = 0;
    for (unsigned char c : host) wrong += c != kPattern;
    check(wrong == 0, "the daemon side reads the client's bytes (" +
                          std::to_string(wrong) + " wrong)");
  }
  if (a.ok()) a.value().reset();  // the buffers were unregistered
  if (b.ok()) b.value().reset();
  check(mapper.mapped() == 0, "closing when the last buffer was released");
  check(mapper.WaitClosed(std::chrono::steady_clock::now() + std::chrono::seconds(10)),
        "the closer thread closed it (cudaIpcCloseMemHandle)");
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main() {
  int up[2], down[2];
  if (pipe(up) != 0 || pipe(down) != 0) return 1;
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) _exit(Child(up[1], down[0]));
  Message m;
  const bool got = read(up[0], &m, sizeof(m)) == static_cast<ssize_t>(sizeof(m));
  int rc;
  if (!got) {
    std::printf("FAILED: the child sent nothing\n");
    rc = 1;
  } else if (m.status == 'S') {
    std::printf("SKIPPED: %s\n", m.text);
    rc = 77;
  } else if (m.status != 'O') {
    std::printf("FAILED: %s\n", m.text);
    rc = 1;
  } else {
    rc = Parent(m);
  }
  (void)!write(down[1], "x", 1);
  int status = 0;
  waitpid(pid, &status, 0);
  return rc;
}
