#include "daemon/engine/cuda/stream_table.h"

#include <algorithm>
#include <string>
#include <utility>

namespace ccs::cuda {

// One registration's two events; releasing the last reference closes them.
struct StreamTable::Entry {
  Entry(std::shared_ptr<IpcEventOpener> o, int ord, uint32_t g, void* r, void* d)
      : opener(std::move(o)), ordinal(ord), gpu(g), ready(r), done(d) {}
  ~Entry() {
    opener->CloseEvent(ordinal, ready);
    opener->DestroyEvent(ordinal, done);
  }
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  const std::shared_ptr<IpcEventOpener> opener;
  const int ordinal;
  const uint32_t gpu;
  void* const ready;
  void* const done;
};

namespace {

bool AllZero(const IpcHandleBytes& h) {
  return std::all_of(h.begin(), h.end(), [](uint8_t b) { return b == 0; });
}

Status UnknownStream(uint64_t session, uint64_t stream_id) {
  return NotFound("stream " + std::to_string(stream_id) +
                  " is not registered by session " + std::to_string(session) +
                  " (never registered, unregistered, or another session's); "
                  "register the stream first (RegisterStream)");
}

}  // namespace

StreamTable::StreamTable(std::shared_ptr<IpcEventOpener> opener,
                         std::vector<LocalDevice> devices)
    : opener_(std::move(opener)), devices_(std::move(devices)) {}

StatusOr<RegisteredStream> StreamTable::Register(uint64_t session,
                                                 const IpcEventDesc& client_event) {
  if (AllZero(client_event.handle)) {
    return InvalidArgument(
        "client_event.event_handle is all zero: not an IPC event handle");
  }
  if (client_event.device.IsZero()) {
    return InvalidArgument("client_event.device_uuid is all zero: name the event's GPU");
  }
  ASSIGN_OR_RETURN(LocalDevice device, FindDevice(devices_, client_event.device));
  const auto index = static_cast<uint32_t>(
      std::find_if(devices_.begin(), devices_.end(),
                   [&](const LocalDevice& d) { return d.uuid == device.uuid; }) -
      devices_.begin());
  std::lock_guard lock(mu_);
  auto held = sessions_.find(session);
  const size_t count = held == sessions_.end() ? 0 : held->second.size();
  if (count >= kMaxStreamsPerSession) {
    return ResourceExhausted("session " + std::to_string(session) + " already has " +
                             std::to_string(count) +
                             " registered streams, the limit (kMaxStreamsPerSession = " +
                             std::to_string(kMaxStreamsPerSession) +
                             "); unregister streams it no longer uses");
  }
  ASSIGN_OR_RETURN(void* ready, opener_->OpenEvent(device.ordinal, client_event.handle));
  StatusOr<ExportedEvent> done = opener_->CreateEvent(device.ordinal);
  if (!done.ok()) {
    opener_->CloseEvent(device.ordinal, ready);
    return done.status();
  }
  const uint64_t id = next_id_++;
  sessions_[session].emplace(id, std::make_shared<const Entry>(
                                     opener_, device.ordinal, index, ready, done->event));
  return RegisteredStream{id, IpcEventDesc{done->handle, device.uuid}};
}

StatusOr<StreamEvents> StreamTable::Lookup(uint64_t session, uint64_t stream_id) const {
  std::lock_guard lock(mu_);
  auto s = sessions_.find(session);
  if (s == sessions_.end()) return UnknownStream(session, stream_id);
  auto it = s->second.find(stream_id);
  if (it == s->second.end()) return UnknownStream(session, stream_id);
  const Entry& e = *it->second;
  return StreamEvents{e.gpu, e.ready, e.done, it->second};
}

Status StreamTable::Unregister(uint64_t session, uint64_t stream_id) {
  std::shared_ptr<const Entry> gone;  // released after the lock
  std::lock_guard lock(mu_);
  auto s = sessions_.find(session);
  if (s == sessions_.end() || !s->second.contains(stream_id)) {
    return UnknownStream(session, stream_id);
  }
  gone = std::move(s->second.at(stream_id));
  s->second.erase(stream_id);
  if (s->second.empty()) sessions_.erase(s);
  return Status::Ok();
}

void StreamTable::DropSession(uint64_t session) {
  std::map<uint64_t, std::shared_ptr<const Entry>> gone;  // released after the lock
  std::lock_guard lock(mu_);
  auto s = sessions_.find(session);
  if (s == sessions_.end()) return;
  gone = std::move(s->second);
  sessions_.erase(s);
}

size_t StreamTable::registered() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [session, streams] : sessions_) n += streams.size();
  return n;
}

}  // namespace ccs::cuda
