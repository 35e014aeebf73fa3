#include "daemon/core/buffer_registry.h"

#include <algorithm>
#include <utility>

namespace ccs {

Status BufferRegistry::CheckLimits(uint64_t session_id, uint64_t size) const {
  uint32_t count = 0;
  uint64_t bytes = 0;
  for (const auto& [id, b] : buffers_) {
    if (b.session_id != session_id) continue;
    ++count;
    bytes += b.size;
  }
  if (count >= limits_.max_buffers_per_session) {
    return ResourceExhausted("session " + std::to_string(session_id) + " already has " +
                             std::to_string(count) + " buffers, the limit " +
                             "(limits.max_buffers_per_session); unregister some first");
  }
  if (size > limits_.max_mapped_bytes_per_session - std::min(bytes, limits_.max_mapped_bytes_per_session)) {
    return ResourceExhausted(
        "registering " + std::to_string(size) + " bytes would bring session " +
        std::to_string(session_id) + " past its limit of " +
        std::to_string(limits_.max_mapped_bytes_per_session) +
        " mapped bytes (limits.max_mapped_bytes_per_session); " +
        std::to_string(bytes) + " are mapped already");
  }
  return Status::Ok();
}

StatusOr<uint64_t> BufferRegistry::Insert(BufferRecord record) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(CheckLimits(record.session_id, record.size));
  record.id = next_id_++;
  uint64_t id = record.id;
  buffers_[id] = std::move(record);
  return id;
}

StatusOr<uint64_t> BufferRegistry::RegisterShm(const Session& session,
                                               const std::string& shm_name,
                                               uint64_t size) {
  {
    std::lock_guard lock(mu_);
    RETURN_IF_ERROR(CheckLimits(session.id, size));
  }
  // Map outside the lock: it touches the file system.
  ASSIGN_OR_RETURN(auto mapping, Mapping::OpenShm(shm_name, session.identity.uid, size));
  BufferRecord record;
  record.session_id = session.id;
  record.shm_name = shm_name;
  record.size = size;
  record.mapping = std::move(mapping);
  return Insert(std::move(record));
}

StatusOr<uint64_t> BufferRegistry::RegisterDevice(const Session& session,
                                                  const std::string& device, uint64_t size,
                                                  const DeviceMapFn& map) {
  {
    std::lock_guard lock(mu_);
    RETURN_IF_ERROR(CheckLimits(session.id, size));
  }
  // Map outside the lock: opening an IPC handle takes the driver's time.
  ASSIGN_OR_RETURN(DeviceRange mapped, map());
  BufferRecord record;
  record.session_id = session.id;
  record.kind = BufferKind::kCudaIpc;
  record.device = device;
  record.size = size;
  record.device_data = mapped.data;
  record.gpu = mapped.gpu;
  record.device_mapping = std::move(mapped.keepalive);
  return Insert(std::move(record));
}

Status BufferRegistry::Unregister(uint64_t session_id, uint64_t buffer_id) {
  std::lock_guard lock(mu_);
  auto it = buffers_.find(buffer_id);
  if (it == buffers_.end() || it->second.session_id != session_id) {
    return NotFound("buffer " + std::to_string(buffer_id) +
                    " is not registered by session " + std::to_string(session_id));
  }
  buffers_.erase(it);
  return Status::Ok();
}

StatusOr<ResolvedRange> BufferRegistry::Resolve(uint64_t session_id, uint64_t buffer_id,
                                                uint64_t offset, uint64_t bytes) const {
  std::lock_guard lock(mu_);
  auto it = buffers_.find(buffer_id);
  if (it == buffers_.end() || it->second.session_id != session_id) {
    return NotFound("buffer " + std::to_string(buffer_id) +
                    " is not registered by session " + std::to_string(session_id) +
                    "; register it first (buffers are private to their session)");
  }
  const BufferRecord& b = it->second;
  const bool device = b.kind == BufferKind::kCudaIpc;
  if (offset > b.size || bytes > b.size - offset) {
    return InvalidArgument("range [" + std::to_string(offset) + ", " + std::to_string(offset) +
                           " + " + std::to_string(bytes) + ") lies outside buffer " +
                           std::to_string(buffer_id) + " (" +
                           (device ? "device memory on " + b.device : "'" + b.shm_name + "'") +
                           ", " + std::to_string(b.size) + " bytes)");
  }
  if (device) return ResolvedRange{b.device_data + offset, nullptr, b.gpu, b.device_mapping};
  if (b.mapping->Faulted()) {
    return FailedPrecondition("shared memory '" + b.shm_name + "' (buffer " +
                              std::to_string(buffer_id) +
                              ") shrank below its registered size; the daemon no longer "
                              "uses it: unregister it and register a new segment");
  }
  return ResolvedRange{b.mapping->data() + offset, b.mapping, -1, nullptr};
}

void BufferRegistry::DropSession(uint64_t session_id) {
  std::lock_guard lock(mu_);
  std::erase_if(buffers_, [&](const auto& kv) { return kv.second.session_id == session_id; });
}

std::vector<BufferRecord> BufferRegistry::List() const {
  std::lock_guard lock(mu_);
  std::vector<BufferRecord> out;
  for (const auto& [id, b] : buffers_) out.push_back(b);
  return out;
}

void BufferRegistry::SetLimits(const Limits& limits) {
  std::lock_guard lock(mu_);
  limits_ = limits;
}

}  // namespace ccs
