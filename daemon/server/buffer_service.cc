#include "daemon/server/buffer_service.h"

#include "daemon/server/convert.h"

namespace ccs::server {
namespace {

StatusOr<uint64_t> Register(const ServiceContext& ctx, const PeerIdentity& who,
                            const v1::RegisterBufferRequest& r) {
  ASSIGN_OR_RETURN(Session session, ctx.sessions->Authorize(r.session_id(), who));
  if (r.kind() == v1::BUFFER_KIND_CUDA_IPC) {
    ASSIGN_OR_RETURN(cuda::DeviceBufferDesc desc, FromProto(r.cuda(), r.size_bytes()));
    return Unimplemented("device buffer on " + cuda::FormatDeviceUuid(desc.device) +
                         " refused: this ccsd does not run the CUDA engine yet; register "
                         "host memory (BUFFER_KIND_HOST_SHM)");
  }
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
