#include "daemon/core/session_manager.h"

namespace ccs {

void SessionManager::AddCloseListener(CloseListener listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

StatusOr<Session> SessionManager::Open(const PeerIdentity& identity,
                                       std::string client_name) {
  if (!identity.has_credentials) {
    return PermissionDenied("sessions are served only on the Unix socket, where the "
                            "daemon can read the caller's credentials; connected via " +
                            identity.peer);
  }
  std::lock_guard lock(mu_);
  Session s{next_id_++, identity, std::move(client_name), std::chrono::steady_clock::now()};
  sessions_[s.id] = s;
  return s;
}

void SessionManager::Close(uint64_t session_id) {
  Session closed;
  std::vector<CloseListener> listeners;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return;
    closed = std::move(it->second);
    sessions_.erase(it);
    listeners = listeners_;
  }
  for (const auto& listener : listeners) listener(closed);
}

StatusOr<Session> SessionManager::Authorize(uint64_t session_id,
                                            const PeerIdentity& caller) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) {
    return NotFound("session " + std::to_string(session_id) +
                    " does not exist (it was never opened or has ended); open a "
                    "session first");
  }
  const PeerIdentity& owner = it->second.identity;
  if (!caller.has_credentials || caller.peer != owner.peer || caller.uid != owner.uid ||
      caller.pid != owner.pid) {
    return PermissionDenied("session " + std::to_string(session_id) +
                            " belongs to another connection (pid " +
                            std::to_string(owner.pid) + "); use your own session");
  }
  return it->second;
}

std::vector<Session> SessionManager::List() const {
  std::lock_guard lock(mu_);
  std::vector<Session> out;
  for (const auto& [id, s] : sessions_) out.push_back(s);
  return out;
}

}  // namespace ccs
