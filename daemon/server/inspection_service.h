// InspectionService adapter: read-only snapshots for ccsctl. Served on the
// Unix socket and on the optional TCP listener.
#pragma once

#include "ccs/v1/inspection.grpc.pb.h"
#include "daemon/server/peer_inquiry.h"
#include "daemon/server/service_context.h"

namespace ccs::server {

class InspectionService final : public v1::InspectionService::CallbackService {
 public:
  explicit InspectionService(const ServiceContext& ctx) : ctx_(ctx) {}
  grpc::ServerUnaryReactor* GetVersion(grpc::CallbackServerContext* context,
                                       const v1::GetVersionRequest* request,
                                       v1::GetVersionResponse* response) override;
  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* context,
                                         const v1::ListSessionsRequest* request,
                                         v1::ListSessionsResponse* response) override;
  grpc::ServerUnaryReactor* ListBuffers(grpc::CallbackServerContext* context,
                                        const v1::ListBuffersRequest* request,
                                        v1::ListBuffersResponse* response) override;
  grpc::ServerUnaryReactor* ListGroups(grpc::CallbackServerContext* context,
                                       const v1::ListGroupsRequest* request,
                                       v1::ListGroupsResponse* response) override;
  // A multi-node group is described across nodes: the other nodes of the
  // group are asked (without blocking this thread) and their answers
  // merged in, unless the request is local_only. A node that does not
  // answer within a few seconds is listed with the reason.
  grpc::ServerUnaryReactor* DescribeGroup(grpc::CallbackServerContext* context,
                                          const v1::DescribeGroupRequest* request,
                                          v1::DescribeGroupResponse* response) override;
  grpc::ServerUnaryReactor* DumpGroup(grpc::CallbackServerContext* context,
                                      const v1::DumpGroupRequest* request,
                                      v1::DumpGroupResponse* response) override;
  // Asks every other known node (without blocking this thread).
  grpc::ServerUnaryReactor* ListNodes(grpc::CallbackServerContext* context,
                                      const v1::ListNodesRequest* request,
                                      v1::ListNodesResponse* response) override;
  grpc::ServerUnaryReactor* ListOps(grpc::CallbackServerContext* context,
                                    const v1::ListOpsRequest* request,
                                    v1::ListOpsResponse* response) override;
  grpc::ServerUnaryReactor* DescribeSession(grpc::CallbackServerContext* context,
                                            const v1::DescribeSessionRequest* request,
                                            v1::DescribeSessionResponse* response) override;

 private:
  const ServiceContext& ctx_;
  PeerInquiry peers_;
};

}  // namespace ccs::server
