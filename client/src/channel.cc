#include "client/src/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "ccs/error.h"
#include "ccs/v1/inspection.grpc.pb.h"

namespace ccs::rpc {
namespace {

constexpr std::string_view kUnixPrefix = "unix:";
// A daemon that starts while we wait is picked up within this.
constexpr int kMaxReconnectBackoffMs = 1000;
constexpr int kMinReconnectBackoffMs = 100;
// How long the probe that explains a failed connection may take.
constexpr std::chrono::milliseconds kProbeTimeout{500};

// For "unix:" targets: the socket path, else "".
std::string UnixPath(const std::string& address) {
  if (address.rfind(kUnixPrefix, 0) != 0) return "";
  std::string path = address.substr(kUnixPrefix.size());
  // "unix:///a/b" and "unix:/a/b" both name /a/b.
  if (path.rfind("//", 0) == 0) path = path.substr(2);
  return path;
}

// Why a unix socket path cannot be dialled, when the file system says so.
std::string UnixPathProblem(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return "socket " + path + ": " + std::strerror(errno);
  }
  if (!S_ISSOCK(st.st_mode)) return path + " exists but is not a socket";
  return "";
}

// Asks the channel once, without waiting for it, why it cannot connect.
std::string ProbeFailure(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::InspectionService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kProbeTimeout);
  v1::GetVersionRequest request;
  v1::GetVersionResponse response;
  grpc::Status status = stub->GetVersion(&context, request, &response);
  if (status.ok()) return "it answered only after the wait";
  return status.error_message();
}

}  // namespace

std::string NormalizeAddress(std::string_view address) {
  if (!address.empty() && address.front() == '/') {
    return "unix://" + std::string(address);
  }
  return std::string(address);
}

std::shared_ptr<grpc::Channel> ConnectChannel(const std::string& address,
                                              std::chrono::milliseconds timeout) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, kMinReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, kMinReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  args.SetMaxReceiveMessageSize(-1);
  auto channel =
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  if (channel->WaitForConnected(std::chrono::system_clock::now() + timeout)) {
    return channel;
  }
  std::string reason;
  if (std::string path = UnixPath(address); !path.empty()) {
    reason = UnixPathProblem(path);
  }
  if (reason.empty()) reason = ProbeFailure(channel);
  throw Error(Code::kUnavailable,
              "cannot reach ccsd at " + address + " within " +
                  std::to_string(timeout.count()) + " ms: " + reason +
                  " (is ccsd running there? the default address is $CCS_ADDRESS, "
                  "else unix:///run/ccs/ccs.sock)");
}

}  // namespace ccs::rpc
