// SessionManager: the client sessions of this daemon.
//
// A session is one client process's connection, alive while its session
// stream is open. Every other request names its session id and is authorized
// against the connection that opened it. Closing a session notifies the
// listeners (buffer registry, group registry) so they release what it held.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/core/status.h"

namespace ccs {

// Who is calling: filled by the server from the connection.
struct PeerIdentity {
  // gRPC peer string, e.g. "fd:12" for a Unix connection the daemon accepted.
  std::string peer;
  // True when uid/gid/pid come from SO_PEERCRED (Unix socket only).
  bool has_credentials = false;
  uint32_t uid = 0;
  uint32_t gid = 0;
  int32_t pid = 0;
};

struct Session {
  uint64_t id = 0;
  PeerIdentity identity;
  std::string client_name;
  std::chrono::steady_clock::time_point opened;
};

class SessionManager {
 public:
  using CloseListener = std::function<void(const Session&)>;

  // Listeners run on the thread that calls Close, in registration order,
  // without the manager's lock held. Register before serving.
  void AddCloseListener(CloseListener listener);

  // Opens a session for `identity`; PERMISSION_DENIED without peer
  // credentials (sessions need the Unix socket).
  StatusOr<Session> Open(const PeerIdentity& identity, std::string client_name);

  // Ends a session and notifies the listeners. Idempotent.
  void Close(uint64_t session_id);

  // The session `session_id` if it exists and `caller` is the connection
  // (same peer, uid and pid) that opened it: NOT_FOUND or PERMISSION_DENIED
  // otherwise.
  StatusOr<Session> Authorize(uint64_t session_id, const PeerIdentity& caller) const;

  std::vector<Session> List() const;

 private:
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Session> sessions_;
  std::vector<CloseListener> listeners_;
};

}  // namespace ccs
