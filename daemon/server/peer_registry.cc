#include "daemon/server/peer_registry.h"

#include <charconv>

namespace ccs::server {

void PeerRegistry::Add(int fd, uint32_t uid, uint32_t gid, int32_t pid) {
  std::lock_guard lock(mu_);
  by_fd_[fd] = Credentials{uid, gid, pid};
}

PeerIdentity PeerRegistry::Identify(const std::string& peer) const {
  PeerIdentity id;
  id.peer = peer;
  constexpr std::string_view kPrefix = "fd:";
  if (peer.rfind(kPrefix, 0) != 0) return id;
  int fd = -1;
  auto [ptr, ec] = std::from_chars(peer.data() + kPrefix.size(), peer.data() + peer.size(), fd);
  if (ec != std::errc() || ptr != peer.data() + peer.size()) return id;
  std::lock_guard lock(mu_);
  auto it = by_fd_.find(fd);
  if (it == by_fd_.end()) return id;
  id.has_credentials = true;
  id.uid = it->second.uid;
  id.gid = it->second.gid;
  id.pid = it->second.pid;
  return id;
}

}  // namespace ccs::server
