// What the gRPC adapters reach: the domain managers of one daemon.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "daemon/core/buffer_registry.h"
#include "daemon/core/collective_submitter.h"
#include "daemon/core/group_registry.h"
#include "daemon/core/session_manager.h"
#include "daemon/engine/cuda/device_buffer_mapper.h"
#include "daemon/engine/cuda/stream_table.h"
#include "daemon/meta/metadata_plane.h"
#include "daemon/server/peer_registry.h"

namespace ccs::server {

struct ServiceContext {
  SessionManager* sessions = nullptr;
  BufferRegistry* buffers = nullptr;
  GroupRegistry* groups = nullptr;
  CollectiveSubmitter* submitter = nullptr;
  PeerRegistry* peers = nullptr;
  // Maps registered device buffers; null when this ccsd cannot, and then
  // `device_buffers_refusal` says why (FAILED_PRECONDITION or UNIMPLEMENTED).
  cuda::DeviceBufferMapper* device_buffers = nullptr;
  Status device_buffers_refusal;
  // The sessions' registered streams; null exactly when device_buffers is
  // (and refused for the same reason).
  cuda::StreamTable* streams = nullptr;
  // The NCCL version ccsd loaded ("2.28.9"); empty when none is loaded.
  std::string nccl_version;
  meta::MetadataPlane* meta = nullptr;
  std::vector<std::string> engines;
  // This daemon's node name (config `node_name`, default: the host name),
  // advertised peer address (empty without `peer_listen`), the cluster's
  // rendezvous address (host:port; empty on a single node) and whether
  // this daemon serves it.
  std::string node_name;
  std::string peer_address;
  std::string rendezvous;
  bool rendezvous_root = false;
  std::chrono::steady_clock::time_point started;
};

// The daemon's version string, e.g. "0.1.0".
std::string DaemonVersion();
std::string DaemonGitCommit();

}  // namespace ccs::server
