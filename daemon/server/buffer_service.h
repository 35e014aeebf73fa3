// BufferService adapter.
#pragma once

#include "ccs/v1/buffer.grpc.pb.h"
#include "daemon/server/service_context.h"

namespace ccs::server {

class BufferService final : public v1::BufferService::CallbackService {
 public:
  explicit BufferService(const ServiceContext& ctx) : ctx_(ctx) {}
  grpc::ServerUnaryReactor* RegisterBuffer(grpc::CallbackServerContext* context,
                                           const v1::RegisterBufferRequest* request,
                                           v1::RegisterBufferResponse* response) override;
  grpc::ServerUnaryReactor* UnregisterBuffer(grpc::CallbackServerContext* context,
                                             const v1::UnregisterBufferRequest* request,
                                             v1::UnregisterBufferResponse* response) override;
  // Stream order (see buffer.proto): refused like device buffers when this
  // ccsd has no usable GPU.
  grpc::ServerUnaryReactor* RegisterStream(grpc::CallbackServerContext* context,
                                           const v1::RegisterStreamRequest* request,
                                           v1::RegisterStreamResponse* response) override;
  grpc::ServerUnaryReactor* UnregisterStream(
      grpc::CallbackServerContext* context, const v1::UnregisterStreamRequest* request,
      v1::UnregisterStreamResponse* response) override;

 private:
  const ServiceContext& ctx_;
};

}  // namespace ccs::server
