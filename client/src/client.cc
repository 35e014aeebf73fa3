#include "ccs/client.h"

#include <cstdlib>
#include <utility>

#include "client/src/client_impl.h"
#include "client/src/device_export.h"

namespace ccs {

std::string DefaultAddress() {
  const char* env = std::getenv("CCS_ADDRESS");
  if (env != nullptr && *env != '\0') return env;
  return "unix:///run/ccs/ccs.sock";
}

std::unique_ptr<Client> Client::Connect(const ClientOptions& options) {
  return std::unique_ptr<Client>(new Client(ClientImpl::Connect(options)));
}

Client::Client(std::unique_ptr<ClientImpl> impl) : impl_(std::move(impl)) {}

Client::~Client() = default;

uint64_t Client::session_id() const { return impl_->hello().session_id; }

const std::string& Client::address() const { return impl_->address(); }

const std::string& Client::daemon_version() const {
  return impl_->hello().daemon_version;
}

std::unique_ptr<HostBuffer> Client::CreateHostBuffer(size_t bytes) {
  return impl_->CreateHostBuffer(bytes);
}

std::unique_ptr<DeviceBuffer> Client::RegisterDeviceBuffer(void* device_ptr, size_t bytes) {
  return impl_->RegisterDeviceBuffer(device_ptr, bytes);
}

std::unique_ptr<HostBuffer> Client::RegisterHostBuffer(const std::string& shm_name,
                                                       size_t bytes) {
  return impl_->RegisterHostBuffer(shm_name, bytes);
}

std::unique_ptr<Group> Client::JoinGroup(const std::string& name, uint32_t world_size,
                                         uint32_t rank,
                                         std::chrono::milliseconds timeout) {
  return impl_->JoinGroup(name, world_size, rank, timeout);
}

std::unique_ptr<Group> Client::JoinGroup(const std::string& name, uint32_t world_size,
                                         uint32_t rank, const JoinOptions& options) {
  const std::string uuid = options.cuda_device >= 0 ? DeviceUuidOf(options.cuda_device) : "";
  return impl_->JoinGroup(name, world_size, rank, options.timeout, uuid);
}

}  // namespace ccs
