#include "daemon/server/buffer_service.h"

#include "daemon/server/convert.h"

namespace ccs::server {
namespace {

StatusOr<uint64_t> RegisterDevice(const ServiceContext& ctx, const Session& session,
                                  const v1::RegisterBufferRequest& r) {
  ASSIGN_OR_RETURN(cuda::DeviceBufferDesc desc, FromProto(r.cuda(), r.size_bytes()));
  const std::string device = cuda::FormatDeviceUuid(desc.device);
  if (ctx.device_buffers == nullptr) {
    Status why = ctx.device_buffers_refusal.ok()
                     ? Unimplemented("this ccsd has no device buffer mapper")
                     : ctx.device_buffers_refusal;
    return Status(why.code(), "device buffer on " + device + " refused: " + why.message() +
                                  "; register host memory (BUFFER_KIND_HOST_SHM)");
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

}  // namespace ccs::server
