// PeerInquiry: asks other daemons of a cluster (PeerService) without
// blocking the calling thread: who they are, and what they know of a group.
//
// Used by the inspection service for `ccsctl get nodes` and to describe a
// multi-node group across nodes. One channel per peer address, made on
// first use and kept. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "ccs/v1/inspection.pb.h"
#include "ccs/v1/peer.pb.h"
#include "daemon/core/status.h"

namespace ccs::server {

// One node's answer: `response` when `status` is OK.
template <typename Response>
struct PeerAnswer {
  Status status;
  Response response;
  std::chrono::microseconds rtt{0};  // round trip of the call
};

class PeerInquiry {
 public:
  template <typename Response>
  using Done = std::function<void(std::vector<PeerAnswer<Response>>)>;

  // Both ask the daemon at each of `addresses` (host:port), all at once.
  // `done` runs exactly once, on a gRPC thread (or on this one when
  // `addresses` is empty), with one answer per address in the same order,
  // at the latest shortly after `deadline`: a node that has not answered
  // by then is DEADLINE_EXCEEDED, an unreachable one UNAVAILABLE, both
  // naming its address.

  // PeerService.GetNode.
  void GetNodes(const std::vector<std::string>& addresses,
                std::chrono::system_clock::time_point deadline,
                Done<v1::GetNodeResponse> done);

  // PeerService.DescribeGroup of group `name` (the node's own view).
  void DescribeGroup(const std::string& name, const std::vector<std::string>& addresses,
                     std::chrono::system_clock::time_point deadline,
                     Done<v1::DescribeGroupResponse> done);

 private:
  std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address);

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace ccs::server
