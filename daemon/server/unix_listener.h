// UnixListener: the daemon's Unix socket.
//
// Creates the socket file (mode and group from the config), accepts
// connections on its own thread, reads each one's SO_PEERCRED into the
// PeerRegistry and hands the fd to the gRPC server.
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include <grpcpp/server.h>

#include "daemon/core/status.h"
#include "daemon/server/peer_registry.h"

namespace ccs::server {

class UnixListener {
 public:
  UnixListener(PeerRegistry* peers) : peers_(peers) {}
  ~UnixListener();

  // Binds `path` (creating its directory, replacing a stale socket file but
  // refusing to replace a live one or a non-socket file) with `mode` and
  // `group` (empty: unchanged).
  Status Bind(const std::string& path, uint32_t mode, const std::string& group);
  // Starts accepting into `server`, which must be started already.
  void Start(grpc::Server* server);
  // Stops accepting and removes the socket file. Idempotent.
  void Stop();

 private:
  void AcceptLoop(grpc::Server* server);

  PeerRegistry* const peers_;
  std::string path_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace ccs::server
