// GroupService adapter.
#pragma once

#include "ccs/v1/group.grpc.pb.h"
#include "daemon/server/service_context.h"

namespace ccs::server {

class GroupService final : public v1::GroupService::CallbackService {
 public:
  explicit GroupService(const ServiceContext& ctx) : ctx_(ctx) {}
  grpc::ServerUnaryReactor* JoinGroup(grpc::CallbackServerContext* context,
                                      const v1::JoinGroupRequest* request,
                                      v1::JoinGroupResponse* response) override;
  grpc::ServerUnaryReactor* LeaveGroup(grpc::CallbackServerContext* context,
                                       const v1::LeaveGroupRequest* request,
                                       v1::LeaveGroupResponse* response) override;
  grpc::ServerUnaryReactor* JoinSubgroup(grpc::CallbackServerContext* context,
                                         const v1::JoinSubgroupRequest* request,
                                         v1::JoinGroupResponse* response) override;

 private:
  const ServiceContext& ctx_;
};

}  // namespace ccs::server
