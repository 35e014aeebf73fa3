#include "harness/cluster_processes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace ccs::it {

uint16_t FreeTcpPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free TCP port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

ClusterProcesses::ClusterProcesses(const ClusterOptions& o) {
  std::vector<std::string> peers;
  for (size_t k = 0; k < o.nodes; ++k) {
    const std::string host = k < o.hosts.size() ? o.hosts[k] : "127.0.0.1";
    peers.push_back(host + ":" + std::to_string(FreeTcpPort()));
    names_.push_back("n" + std::to_string(k));
  }
  rendezvous_ = "ccs://" + peers[0];
  for (size_t k = 0; k < o.nodes; ++k) {
    DaemonOptions d;
    d.extra_args = {"--node-name", names_[k], "--peer-listen", peers[k], "--rendezvous",
                    rendezvous_};
    d.extra_args.insert(d.extra_args.end(), o.extra_args.begin(), o.extra_args.end());
    if (k < o.command_prefixes.size()) d.command_prefix = o.command_prefixes[k];
    nodes_.push_back(std::make_unique<DaemonProcess>(d));
  }
}

}  // namespace ccs::it
