#include "client/src/device_streams.h"

#include <utility>

#include "ccs/error.h"

namespace ccs {

DeviceStreams::DeviceStreams(std::unique_ptr<StreamEventApi> api,
                             RegisterFn register_stream, UnregisterFn unregister_stream)
    : api_(std::move(api)),
      register_(std::move(register_stream)),
      unregister_(std::move(unregister_stream)) {}

DeviceStreams::~DeviceStreams() {
  for (auto& [key, e] : entries_) {
    unregister_(e->stream_id);
    api_->DestroyEvent(e->ordinal, e->daemon_event);
    api_->DestroyEvent(e->ordinal, e->client_event);
  }
}

std::unique_ptr<DeviceStreams::Entry> DeviceStreams::Create(int ordinal) {
  auto e = std::make_unique<Entry>();
  e->ordinal = ordinal;
  ExportedClientEvent mine = api_->CreateIpcEvent(ordinal);
  e->client_event = mine.event;
  Registration r;
  try {
    r = register_(mine.handle, mine.device_uuid);
  } catch (...) {
    api_->DestroyEvent(ordinal, mine.event);
    throw;
  }
  e->stream_id = r.stream_id;
  try {
    e->daemon_event = api_->OpenIpcEvent(ordinal, r.daemon_event_handle);
  } catch (...) {
    unregister_(r.stream_id);
    api_->DestroyEvent(ordinal, mine.event);
    throw;
  }
  return e;
}

DeviceStreams::Entry& DeviceStreams::Get(int ordinal, void* stream) {
  std::lock_guard lock(mu_);
  auto it = entries_.find({ordinal, stream});
  if (it == entries_.end())
    it = entries_.emplace(Key{ordinal, stream}, Create(ordinal)).first;
  return *it->second;
}

uint64_t DeviceStreams::Run(int ordinal, void* stream,
                            const std::function<uint64_t(uint64_t)>& rpc) {
  Entry& e = Get(ordinal, stream);
  std::lock_guard call(e.call_mu);
  api_->Record(ordinal, e.client_event, stream);
  const uint64_t result = rpc(e.stream_id);
  api_->Wait(ordinal, stream, e.daemon_event);
  return result;
}

void DeviceStreams::Synchronize(void* stream) { api_->Synchronize(stream); }

size_t DeviceStreams::registered() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace ccs
