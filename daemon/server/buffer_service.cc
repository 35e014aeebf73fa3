#include "daemon/server/buffer_service.h"

#include <string>

#include "daemon/server/convert.h"

namespace ccs::server {
namespace {

// Why this ccsd serves no device memory (`missing`: what it lacks when no
// refusal was recorded), as "<what> refused: <why>; <advice>".
Status DeviceRefusal(const ServiceContext& ctx, const std::string& what,
                     const char* missing, const char* advice) {
  Status why = ctx.device_buffers_refusal.ok() ? Unimplemented(missing)
                                               : ctx.device_buffers_refusal;
  return Status(why.code(), what + " refused: " + why.message() + "; " + advice);
}

StatusOr<uint64_t> RegisterDevice(const ServiceContext& ctx, const Session& session,
                                  const v1::RegisterBufferRequest& r) {
  ASSIGN_OR_RETURN(cuda::DeviceBufferDesc desc, FromProto(r.cuda(), r.size_bytes()));
  const std::string device = cuda::FormatDeviceUuid(desc.device);
  if (ctx.device_buffers == nullptr) {
    return DeviceRefusal(ctx, "device buffer on " + device,
                         "this ccsd has no device buffer mapper",
                         "register host memory (BUFFER_KIND_HOST_SHM)");
  }
  cuda::DeviceBufferMapper* mapper = ctx.device_buffers;
  return ctx.buffers->RegisterDevice(
      session, device, desc.size_bytes,
      [&]() -> StatusOr<DeviceRange> {
        ASSIGN_OR_RETURN(auto mapping, mapper->Map(session.id, desc));
        return DeviceRange{mapping->data, mapping->index, std::move(mapping)};
      });
}

StatusOr<uint64_t> Register(const ServiceContext& ctx, const PeerIdentity& who,
                            const v1::RegisterBufferRequest& r) {
  ASSIGN_OR_RETURN(Session session, ctx.sessions->Authorize(r.session_id(), who));
  if (r.kind() == v1::BUFFER_KIND_CUDA_IPC) return RegisterDevice(ctx, session, r);
  if (r.kind() != v1::BUFFER_KIND_HOST_SHM) {
    return InvalidArgument("buffer kind " + std::to_string(r.kind()) +
                           " is not supported; this daemon serves BUFFER_KIND_HOST_SHM");
  }
  return ctx.buffers->RegisterShm(session, r.shm_name(), r.size_bytes());
}

StatusOr<cuda::RegisteredStream> RegisterStreamOf(const ServiceContext& ctx,
                                                  const PeerIdentity& who,
                                                  const v1::RegisterStreamRequest& r) {
  ASSIGN_OR_RETURN(Session session, ctx.sessions->Authorize(r.session_id(), who));
  StatusOr<cuda::IpcEventDesc> event = FromProto(r.client_event());
  if (!event.ok()) return InvalidArgument("client_event." + event.status().message());
  if (ctx.streams == nullptr) {
    return DeviceRefusal(ctx, "stream on " + cuda::FormatDeviceUuid(event->device),
                         "this ccsd has no stream table",
                         "collectives on host buffers need no stream");
  }
  return ctx.streams->Register(session.id, *event);
}

}  // namespace

grpc::ServerUnaryReactor* BufferService::RegisterBuffer(
    grpc::CallbackServerContext* context, const v1::RegisterBufferRequest* request,
    v1::RegisterBufferResponse* response) {
  auto* reactor = context->DefaultReactor();
  StatusOr<uint64_t> id = Register(ctx_, ctx_.peers->Identify(context->peer()), *request);
  if (id.ok()) response->set_buffer_id(*id);
  reactor->Finish(ToGrpc(id.status()));
  return reactor;
}

grpc::ServerUnaryReactor* BufferService::UnregisterBuffer(
    grpc::CallbackServerContext* context, const v1::UnregisterBufferRequest* request,
    v1::UnregisterBufferResponse* response) {
  auto* reactor = context->DefaultReactor();
  StatusOr<Session> session =
      ctx_.sessions->Authorize(request->session_id(), ctx_.peers->Identify(context->peer()));
  Status s = session.ok() ? ctx_.buffers->Unregister(session->id, request->buffer_id())
                          : session.status();
  reactor->Finish(ToGrpc(s));
  return reactor;
}

grpc::ServerUnaryReactor* BufferService::RegisterStream(
    grpc::CallbackServerContext* context, const v1::RegisterStreamRequest* request,
    v1::RegisterStreamResponse* response) {
  auto* reactor = context->DefaultReactor();
  StatusOr<cuda::RegisteredStream> stream =
      RegisterStreamOf(ctx_, ctx_.peers->Identify(context->peer()), *request);
  if (stream.ok()) {
    response->set_stream_id(stream->stream_id);
    const cuda::IpcEventDesc& e = stream->daemon_event;
    v1::CudaIpcEvent* out = response->mutable_daemon_event();
    out->set_event_handle(std::string(e.handle.begin(), e.handle.end()));
    out->set_device_uuid(std::string(e.device.bytes.begin(), e.device.bytes.end()));
  }
  reactor->Finish(ToGrpc(stream.status()));
  return reactor;
}

grpc::ServerUnaryReactor* BufferService::UnregisterStream(
    grpc::CallbackServerContext* context, const v1::UnregisterStreamRequest* request,
    v1::UnregisterStreamResponse* response) {
  auto* reactor = context->DefaultReactor();
  StatusOr<Session> session = ctx_.sessions->Authorize(
      request->session_id(), ctx_.peers->Identify(context->peer()));
  Status s = session.status();
  if (s.ok()) {
    s = ctx_.streams != nullptr
            ? ctx_.streams->Unregister(session->id, request->stream_id())
            : DeviceRefusal(ctx_, "stream " + std::to_string(request->stream_id()),
                            "this ccsd has no stream table", "it registered none");
  }
  reactor->Finish(ToGrpc(s));
  return reactor;
}

}  // namespace ccs::server
