// PeerRegistry: credentials of the Unix connections the daemon accepted.
//
// gRPC does not expose SO_PEERCRED, so the UnixListener accepts connections
// itself, records each fd's credentials here, and hands the fd to gRPC; a
// call on such a connection reports ServerContext::peer() == "fd:<n>".
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "daemon/core/session_manager.h"

namespace ccs::server {

class PeerRegistry {
 public:
  // Records the credentials of accepted fd `fd` (replacing those of an
  // earlier connection that had the same fd number).
  void Add(int fd, uint32_t uid, uint32_t gid, int32_t pid);

  // The identity of a call's peer string: with credentials for "fd:<n>"
  // peers this listener accepted, without for anything else (TCP).
  PeerIdentity Identify(const std::string& peer) const;

 private:
  struct Credentials {
    uint32_t uid;
    uint32_t gid;
    int32_t pid;
  };
  mutable std::mutex mu_;
  std::map<int, Credentials> by_fd_;
};

}  // namespace ccs::server
