// The ccs client: one session with the node's ccsd.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "ccs/buffer.h"
#include "ccs/group.h"

namespace ccs {

// Address default: $CCS_ADDRESS, else "unix:///run/ccs/ccs.sock".
std::string DefaultAddress();

struct ClientOptions {
  std::string address = DefaultAddress();
  // Shown by `ccsctl get sessions`.
  std::string client_name;
  // How long Connect waits for the daemon to answer.
  std::chrono::milliseconds connect_timeout{5000};
};

// A session with the daemon, open from Connect until destruction. When this
// process exits or crashes the daemon ends the session: its buffers are
// unmapped and its groups go BROKEN for the other ranks. Buffers and groups
// must be destroyed before their Client. Thread-safe for concurrent calls.
// Not fork-safe (gRPC is not): a child process must connect its own Client,
// and should fork before this process creates one.
struct JoinOptions {
  // Formation deadline; 0: the daemon's join timeout.
  std::chrono::milliseconds timeout{0};
  // The CUDA device (an ordinal of this process) this rank's device
  // buffers live on; -1: none named. When every rank of a group on one
  // daemon names its device, the daemon sets up the group's GPU resources
  // (NCCL communicators, kernel signal blocks) as soon as it forms rather
  // than at its first device collective. Needs libccs built with CUDA
  // (UNIMPLEMENTED otherwise); the daemon answers NOT_FOUND for a GPU it
  // does not see.
  int cuda_device = -1;
};

class Client {
 public:
  // Connects and opens a session. Throws Error (UNAVAILABLE when no daemon
  // answers within connect_timeout). `address` may be "unix:///path",
  // "unix:/path", a bare absolute socket path, or "host:port" (no session
  // service there: sessions need the Unix socket).
  static std::unique_ptr<Client> Connect(const ClientOptions& options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  uint64_t session_id() const;
  // The address as dialled (a bare socket path becomes "unix://<path>").
  const std::string& address() const;
  // The daemon's version, as it announced it when the session opened.
  const std::string& daemon_version() const;

  // Creates a shared-memory segment of `bytes` (zero-filled, memory reserved
  // up front: a full /dev/shm fails here with RESOURCE_EXHAUSTED), maps it
  // here and registers it with the daemon; the name is unlinked once the
  // daemon has mapped it (see HostBuffer). Every call below throws Error; once the
  // daemon has gone away they throw UNAVAILABLE ("lost the session ...").
  std::unique_ptr<HostBuffer> CreateHostBuffer(size_t bytes);
  // Registers the first `bytes` of an existing segment created by this uid
  // (shm_open name such as "/my-seg") and maps it here. The SDK does not
  // unlink it.
  std::unique_ptr<HostBuffer> RegisterHostBuffer(const std::string& shm_name,
                                                 size_t bytes);
  // Registers `bytes` of device memory at `device_ptr` (from cudaMalloc, in
  // this process; the range may start inside an allocation). The SDK finds
  // the allocation, exports its CUDA IPC handle and names the GPU by UUID;
  // the daemon maps the allocation once however many buffers point into it.
  // Throws Error: UNIMPLEMENTED when libccs was built without CUDA;
  // FAILED_PRECONDITION naming the CUDA call that failed (no driver or
  // device here); INVALID_ARGUMENT for host memory or a range past its
  // allocation; the daemon's FAILED_PRECONDITION when ccsd has no usable
  // GPU, NOT_FOUND when it does not see this GPU, RESOURCE_EXHAUSTED past
  // the session's limits. Does not change the current device.
  std::unique_ptr<DeviceBuffer> RegisterDeviceBuffer(void* device_ptr, size_t bytes);

  // Joins `rank` of group `name` with `world_size` ranks; blocks until every
  // rank has joined. timeout 0: the daemon's join timeout (the SDK stops
  // waiting after timeout + 10 s, or 10 min + 10 s for 0).
  std::unique_ptr<Group> JoinGroup(const std::string& name, uint32_t world_size,
                                   uint32_t rank,
                                   std::chrono::milliseconds timeout = {});
  // The same, with options (JoinOptions).
  std::unique_ptr<Group> JoinGroup(const std::string& name, uint32_t world_size,
                                   uint32_t rank, const JoinOptions& options);

 private:
  explicit Client(std::unique_ptr<ClientImpl> impl);
  std::unique_ptr<ClientImpl> impl_;
};

}  // namespace ccs
