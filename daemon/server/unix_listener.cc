#include "daemon/server/unix_listener.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <grpcpp/server_posix.h>

namespace ccs::server {
namespace {

// True if something accepts connections at `path`.
bool SocketIsLive(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
  bool live = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return live;
}

}  // namespace

UnixListener::~UnixListener() { Stop(); }

Status UnixListener::Bind(const std::string& path, uint32_t mode, const std::string& group) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) {
    return InvalidArgument("socket path '" + path + "' is longer than " +
                           std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
  }
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("cannot create socket directory " + dir.string() + ": " + ec.message());
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return FailedPrecondition(path + " exists and is not a socket; refusing to replace it");
    }
    if (SocketIsLive(path)) {
      return FailedPrecondition("another daemon is serving " + path +
                                "; stop it or choose another --socket");
    }
    unlink(path.c_str());
  }
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return ErrnoStatus("socket", errno);
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
  // The file is created with the process umask; tighten it before anyone
  // can connect by binding under a restrictive umask.
  mode_t old = umask(0177);
  int rc = bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  umask(old);
  if (rc != 0) return ErrnoStatus("cannot bind " + path, errno);
  path_ = path;
  if (!group.empty()) {
    struct group* g = getgrnam(group.c_str());
    if (g == nullptr) return InvalidArgument("socket_group '" + group + "' does not exist");
    if (chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
      return ErrnoStatus("cannot chown " + path + " to group " + group, errno);
    }
  }
  if (chmod(path.c_str(), mode) != 0) return ErrnoStatus("cannot chmod " + path, errno);
  if (listen(listen_fd_, 128) != 0) return ErrnoStatus("listen on " + path, errno);
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0) return ErrnoStatus("pipe", errno);
  return Status::Ok();
}

void UnixListener::Start(grpc::Server* server) {
  thread_ = std::thread([this, server] { AcceptLoop(server); });
}

void UnixListener::AcceptLoop(grpc::Server* server) {
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
  while (true) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("poll on {} failed: {}", path_, strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno != EINTR && errno != EAGAIN) spdlog::warn("accept on {}: {}", path_, strerror(errno));
      continue;
    }
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
      spdlog::warn("SO_PEERCRED failed, dropping connection: {}", strerror(errno));
      close(fd);
      continue;
    }
    peers_->Add(fd, cred.uid, cred.gid, cred.pid);
    spdlog::debug("accepted fd {} from pid {} uid {}", fd, cred.pid, cred.uid);
    // gRPC owns the fd from here on and closes it with the connection.
    grpc::AddInsecureChannelFromFd(server, fd);
  }
}

void UnixListener::Stop() {
  if (wake_pipe_[1] >= 0) {
    char byte = 0;
    [[maybe_unused]] ssize_t n = write(wake_pipe_[1], &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int* fd : {&listen_fd_, &wake_pipe_[0], &wake_pipe_[1]}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
  if (!path_.empty()) unlink(path_.c_str());
  path_.clear();
}

}  // namespace ccs::server
