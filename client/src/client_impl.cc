#include "client/src/client_impl.h"

#include <cstdio>
#include <utility>

#include "client/src/channel.h"
#include "client/src/convert.h"
#include "client/src/device_export.h"

namespace ccs {
namespace {

// After an RPC fails with UNAVAILABLE, how long to wait for the session
// stream to report the daemon gone (the better error message).
constexpr std::chrono::milliseconds kLostSessionGrace{1000};

}  // namespace

std::chrono::milliseconds OpDeadline(std::chrono::milliseconds timeout) {
  return (timeout.count() > 0 ? timeout : kDefaultOpTimeout) + kDeadlineMargin;
}

uint32_t TimeoutMs(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return 0;
  if (timeout.count() > UINT32_MAX) return UINT32_MAX;
  return static_cast<uint32_t>(timeout.count());
}

ClientImpl::ClientImpl(std::string address, std::shared_ptr<grpc::Channel> channel)
    : address_(std::move(address)),
      channel_(std::move(channel)),
      session_stub_(v1::SessionService::NewStub(channel_)),
      buffers_(v1::BufferService::NewStub(channel_)),
      groups_(v1::GroupService::NewStub(channel_)),
      collectives_(v1::CollectiveService::NewStub(channel_)),
      metadata_(v1::MetadataService::NewStub(channel_)),
      streams_(std::make_unique<DeviceStreams>(
          MakeStreamEventApi(),
          [this](const std::string& handle, const std::string& uuid) {
            return RegisterStream(handle, uuid);
          },
          [this](uint64_t stream_id) { UnregisterStream(stream_id); })) {}

std::unique_ptr<ClientImpl> ClientImpl::Connect(const ClientOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
  std::string address = rpc::NormalizeAddress(options.address);
  auto channel = rpc::ConnectChannel(address, options.connect_timeout);
  std::unique_ptr<ClientImpl> impl(new ClientImpl(address, std::move(channel)));
  impl->session_ = SessionStream::Open(impl->session_stub_.get(), options.client_name,
                                       address, deadline);
  return impl;
}

ClientImpl::~ClientImpl() {
  const int buffers = live_buffers_.load();
  const int groups = live_groups_.load();
  if (buffers > 0 || groups > 0) {
    std::fprintf(stderr,
                 "ccs: Client destroyed while %d buffer(s) and %d group(s) of it are "
                 "alive; destroy them before their Client\n",
                 buffers, groups);
  }
  streams_.reset();
  session_.reset();
}

void ClientImpl::Invoke(std::string_view method, std::chrono::milliseconds budget,
                        const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
  if (auto lost = session_->Lost()) throw *lost;
  grpc::ClientContext context;
  const auto deadline = std::chrono::system_clock::now() + budget;
  context.set_deadline(deadline);
  grpc::Status status = rpc(&context);
  if (status.ok()) return;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::CANCELLED) {
    if (auto lost = session_->WaitLost(kLostSessionGrace)) throw *lost;
  }
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
      std::chrono::system_clock::now() >= deadline) {
    throw Error(Code::kDeadlineExceeded,
                "ccsd at " + address_ + " did not answer " + std::string(method) +
                    " within " + std::to_string(budget.count()) +
                    " ms (client-side deadline: the daemon may be hung or "
                    "overloaded; `ccsctl describe group` shows what it waits for)");
  }
  throw convert::ToError(status);
}

std::unique_ptr<HostBuffer> ClientImpl::CreateHostBuffer(size_t bytes) {
  return Register(ShmSegment::Create(bytes));
}

std::unique_ptr<HostBuffer> ClientImpl::RegisterHostBuffer(const std::string& shm_name,
                                                           size_t bytes) {
  return Register(ShmSegment::Open(shm_name, bytes));
}

std::unique_ptr<DeviceBuffer> ClientImpl::RegisterDeviceBuffer(void* device_ptr,
                                                               size_t bytes) {
  DeviceExport exported = ExportDeviceRange(device_ptr, bytes);
  v1::RegisterBufferRequest request;
  request.set_session_id(hello().session_id);
  request.set_kind(v1::BUFFER_KIND_CUDA_IPC);
  request.set_size_bytes(bytes);
  v1::CudaIpcBuffer* cuda = request.mutable_cuda();
  cuda->set_mem_handle(exported.mem_handle);
  cuda->set_alloc_offset(exported.alloc_offset);
  cuda->set_alloc_size(exported.alloc_size);
  cuda->set_device_uuid(exported.device_uuid);
  cuda->set_pci_bus_id(exported.pci_bus_id);
  v1::RegisterBufferResponse response;
  Invoke("RegisterBuffer", kControlDeadline, [&](grpc::ClientContext* context) {
    return buffers_->RegisterBuffer(context, request, &response);
  });
  std::unique_ptr<DeviceBuffer> buffer(
      new DeviceBuffer(this, response.buffer_id(), device_ptr, bytes, exported.ordinal));
  ++live_buffers_;
  return buffer;
}

std::unique_ptr<HostBuffer> ClientImpl::Register(ShmSegment segment) {
  v1::RegisterBufferRequest request;
  request.set_session_id(hello().session_id);
  request.set_kind(v1::BUFFER_KIND_HOST_SHM);
  request.set_shm_name(segment.name());
  request.set_size_bytes(segment.size());
  v1::RegisterBufferResponse response;
  // On failure `segment` unmaps (and unlinks what it created) as it unwinds.
  Invoke("RegisterBuffer", kControlDeadline, [&](grpc::ClientContext* context) {
    return buffers_->RegisterBuffer(context, request, &response);
  });
  // The daemon has mapped the segment and holds no reference to its name, so
  // a segment we created is unlinked now: even if this process crashes,
  // nothing is left behind in /dev/shm. The name stays as a label.
  const bool unlinked = segment.owns_segment() && UnlinkShm(segment.name());
  std::unique_ptr<HostBuffer> buffer(
      new HostBuffer(this, response.buffer_id(), segment.data(), segment.size(),
                     segment.name(), segment.owns_segment() && !unlinked));
  segment.Release();
  ++live_buffers_;
  return buffer;
}

void ClientImpl::ReleaseBuffer(uint64_t buffer_id) {
  --live_buffers_;
  if (session_->Lost()) return;  // the daemon dropped it with the session
  v1::UnregisterBufferRequest request;
  request.set_session_id(hello().session_id);
  request.set_buffer_id(buffer_id);
  v1::UnregisterBufferResponse response;
  try {
    Invoke("UnregisterBuffer", kControlDeadline, [&](grpc::ClientContext* context) {
      return buffers_->UnregisterBuffer(context, request, &response);
    });
  } catch (const Error& e) {
    std::fprintf(stderr, "ccs: could not unregister buffer %llu: %s\n",
                 static_cast<unsigned long long>(buffer_id), e.what());
  }
}

std::unique_ptr<Group> ClientImpl::JoinGroup(const std::string& name, uint32_t world_size,
                                             uint32_t rank,
                                             std::chrono::milliseconds timeout,
                                             const std::string& device_uuid) {
  v1::JoinGroupRequest request;
  request.set_session_id(hello().session_id);
  request.set_name(name);
  request.set_world_size(world_size);
  request.set_rank(rank);
  request.set_timeout_ms(TimeoutMs(timeout));
  request.set_device_uuid(device_uuid);
  v1::JoinGroupResponse response;
  Invoke("JoinGroup", OpDeadline(timeout), [&](grpc::ClientContext* context) {
    return groups_->JoinGroup(context, request, &response);
  });
  std::unique_ptr<Group> group(new Group(this, name, response.group_id(),
                                         response.epoch(), response.rank(),
                                         response.world_size()));
  ++live_groups_;
  return group;
}

std::unique_ptr<Group> ClientImpl::JoinSubgroup(uint64_t parent_id,
                                                const std::vector<uint32_t>& parent_ranks,
                                                const std::string& name, uint64_t split_seq,
                                                std::chrono::milliseconds timeout) {
  v1::JoinSubgroupRequest request;
  request.set_session_id(hello().session_id);
  request.set_parent_group_id(parent_id);
  for (uint32_t r : parent_ranks) request.add_parent_ranks(r);
  request.set_name(name);
  request.set_split_seq(split_seq);
  request.set_timeout_ms(TimeoutMs(timeout));
  v1::JoinGroupResponse response;
  Invoke("JoinSubgroup", OpDeadline(timeout), [&](grpc::ClientContext* context) {
    return groups_->JoinSubgroup(context, request, &response);
  });
  std::unique_ptr<Group> group(new Group(this, name, response.group_id(), response.epoch(),
                                         response.rank(), response.world_size()));
  ++live_groups_;
  return group;
}

void ClientImpl::LeaveGroup(uint64_t group_id) {
  if (session_->Lost()) return;  // the daemon dropped us from every group
  v1::LeaveGroupRequest request;
  request.set_session_id(hello().session_id);
  request.set_group_id(group_id);
  v1::LeaveGroupResponse response;
  Invoke("LeaveGroup", kControlDeadline, [&](grpc::ClientContext* context) {
    return groups_->LeaveGroup(context, request, &response);
  });
}

v1::BufferRef ClientImpl::ToRef(const BufferView& view, std::string_view role) const {
  const bool host = view.buffer != nullptr;
  const ClientImpl* owner = host ? view.buffer->client_ : view.device_buffer->client_;
  const uint64_t id = host ? view.buffer->id() : view.device_buffer->id();
  if (owner != this) {
    throw Error(Code::kInvalidArgument,
                "the " + std::string(role) + " buffer (id " + std::to_string(id) +
                    ") belongs to another Client: a buffer is usable only by the "
                    "Client that registered it");
  }
  v1::BufferRef ref;
  ref.set_buffer_id(id);
  ref.set_offset(view.offset);
  return ref;
}

DeviceStreams::Registration ClientImpl::RegisterStream(const std::string& event_handle,
                                                       const std::string& device_uuid) {
  v1::RegisterStreamRequest request;
  request.set_session_id(hello().session_id);
  request.mutable_client_event()->set_event_handle(event_handle);
  request.mutable_client_event()->set_device_uuid(device_uuid);
  v1::RegisterStreamResponse response;
  Invoke("RegisterStream", kControlDeadline, [&](grpc::ClientContext* context) {
    return buffers_->RegisterStream(context, request, &response);
  });
  return {response.stream_id(), response.daemon_event().event_handle()};
}

void ClientImpl::UnregisterStream(uint64_t stream_id) {
  if (session_->Lost()) return;  // the daemon dropped it with the session
  v1::UnregisterStreamRequest request;
  request.set_session_id(hello().session_id);
  request.set_stream_id(stream_id);
  v1::UnregisterStreamResponse response;
  try {
    Invoke("UnregisterStream", kControlDeadline, [&](grpc::ClientContext* context) {
      return buffers_->UnregisterStream(context, request, &response);
    });
  } catch (const Error& e) {
    std::fprintf(stderr, "ccs: unregistering stream %llu failed: %s\n",
                 static_cast<unsigned long long>(stream_id), e.what());
  }
}

uint64_t ClientImpl::RunCollective(uint64_t group_id, const CollectiveCall& call,
                                   void* stream) {
  v1::RunCollectiveRequest request;
  request.set_session_id(hello().session_id);
  request.set_group_id(group_id);
  request.set_kind(convert::ToProto(call.kind));
  request.set_dtype(convert::ToProto(call.dtype));
  request.set_op(convert::ToProto(call.op));
  request.set_count(call.count);
  request.mutable_counts()->Add(call.counts.begin(), call.counts.end());
  request.mutable_send_counts()->Add(call.send_counts.begin(), call.send_counts.end());
  request.mutable_recv_counts()->Add(call.recv_counts.begin(), call.recv_counts.end());
  request.set_root(call.root);
  request.set_peer(call.peer);
  if (call.send) *request.mutable_send() = ToRef(call.send, "send");
  if (call.recv) *request.mutable_recv() = ToRef(call.recv, "recv");
  request.set_timeout_ms(TimeoutMs(call.timeout));
  auto invoke = [&](uint64_t stream_id) {
    request.set_stream_id(stream_id);
    v1::RunCollectiveResponse response;
    Invoke(CollectiveName(call.kind), OpDeadline(call.timeout),
           [&](grpc::ClientContext* context) {
             return collectives_->RunCollective(context, request, &response);
           });
    return response.seq();
  };
  const DeviceBuffer* device = call.recv.device_buffer != nullptr
                                   ? call.recv.device_buffer
                                   : call.send.device_buffer;
  if (device == nullptr) return invoke(0);
  return streams_->Run(device->device_, stream, invoke);
}

}  // namespace ccs
