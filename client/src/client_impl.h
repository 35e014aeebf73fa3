// The gRPC side of ccs::Client: channel, stubs, session, unary calls.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ccs/buffer.h"
#include "ccs/client.h"
#include "ccs/group.h"
#include "ccs/v1/buffer.grpc.pb.h"
#include "ccs/v1/collective.grpc.pb.h"
#include "ccs/v1/group.grpc.pb.h"
#include "ccs/v1/metadata.grpc.pb.h"
#include "ccs/v1/session.grpc.pb.h"
#include "client/src/device_streams.h"
#include "client/src/session_stream.h"
#include "client/src/shm_segment.h"

namespace ccs {

// Every unary call carries a client-side deadline, so the SDK never waits
// forever even if the daemon hangs:
// - control calls (register, unregister, leave): kControlDeadline;
// - JoinGroup and RunCollective: the call's timeout + kDeadlineMargin, or,
//   for timeout 0 (the daemon's default, unknown here; ccsd ships with 300 s
//   for ops and 60 s for joins), kDefaultOpTimeout + kDeadlineMargin.
inline constexpr std::chrono::milliseconds kControlDeadline{60'000};
inline constexpr std::chrono::milliseconds kDefaultOpTimeout{600'000};
inline constexpr std::chrono::milliseconds kDeadlineMargin{10'000};

// The client-side deadline of a call with daemon timeout `timeout` (0: the
// daemon's default): timeout (or kDefaultOpTimeout) + kDeadlineMargin.
std::chrono::milliseconds OpDeadline(std::chrono::milliseconds timeout);
// `timeout` as a request's timeout_ms (0 for the daemon's default).
uint32_t TimeoutMs(std::chrono::milliseconds timeout);

// Thread-safe: the stubs are, and the session is guarded by SessionStream.
class ClientImpl {
 public:
  // Dials options.address, waits for the channel and opens the session, all
  // within options.connect_timeout. Throws Error.
  static std::unique_ptr<ClientImpl> Connect(const ClientOptions& options);
  // Cancels the session stream. Warns on stderr if buffers or groups of
  // this client are still alive (they must be destroyed first).
  ~ClientImpl();

  const std::string& address() const { return address_; }
  const SessionHello& hello() const { return session_->hello(); }

  std::unique_ptr<HostBuffer> CreateHostBuffer(size_t bytes);
  std::unique_ptr<DeviceBuffer> RegisterDeviceBuffer(void* device_ptr, size_t bytes);
  std::unique_ptr<HostBuffer> RegisterHostBuffer(const std::string& shm_name,
                                                 size_t bytes);
  // `device_uuid`: the 16 bytes of the rank's GPU, or empty (none named).
  std::unique_ptr<Group> JoinGroup(const std::string& name, uint32_t world_size,
                                   uint32_t rank, std::chrono::milliseconds timeout,
                                   const std::string& device_uuid = "");

  // For Group::Split: joins the subgroup of `parent_ranks` of group
  // `parent_id` (see GroupService.JoinSubgroup).
  std::unique_ptr<Group> JoinSubgroup(uint64_t parent_id, const std::vector<uint32_t>& parent_ranks,
                                      const std::string& name, uint64_t split_seq,
                                      std::chrono::milliseconds timeout);
  // For Group: runs one collective; returns this rank's sequence number.
  // Device buffers: ordered on `stream` (see DeviceStreams); host buffers
  // ignore it.
  uint64_t RunCollective(uint64_t group_id, const CollectiveCall& call, void* stream);
  // For Group::Synchronize.
  void SynchronizeStream(void* stream) { streams_->Synchronize(stream); }
  // BufferService.RegisterStream / UnregisterStream for DeviceStreams (and
  // tests of the daemon's answer). RegisterStream throws Error; Unregister
  // is best effort (failures on stderr).
  DeviceStreams::Registration RegisterStream(const std::string& event_handle,
                                             const std::string& device_uuid);
  void UnregisterStream(uint64_t stream_id);
  // For Group's object calls and KvScope (client/src/metadata.cc); see
  // ccs/group.h and ccs/kv_scope.h. Throw Error.
  std::string BroadcastObject(uint64_t group_id, uint32_t root, const std::string& payload,
                              std::chrono::milliseconds timeout);
  std::vector<std::string> AllGatherObject(uint64_t group_id, const std::string& payload,
                                           std::chrono::milliseconds timeout);
  std::string ScatterObject(uint64_t group_id, uint32_t root,
                            const std::vector<std::string>& payloads,
                            std::chrono::milliseconds timeout);
  void SendObject(uint64_t group_id, uint32_t dst, const std::string& payload,
                  std::chrono::milliseconds timeout);
  std::string RecvObject(uint64_t group_id, uint32_t src, std::chrono::milliseconds timeout);
  void KvSet(uint64_t group_id, const std::string& key, const std::string& value,
             std::chrono::milliseconds ttl);
  std::string KvGet(uint64_t group_id, const std::string& key);
  void KvWait(uint64_t group_id, const std::vector<std::string>& keys,
              std::chrono::milliseconds timeout);
  int64_t KvAdd(uint64_t group_id, const std::string& key, int64_t delta);
  bool KvCompareAndSet(uint64_t group_id, const std::string& key, const std::string& expected,
                       const std::string& desired, std::chrono::milliseconds ttl,
                       std::string* current);
  bool KvDelete(uint64_t group_id, const std::string& key);

  // For Group::Leave. Throws Error; a lost session counts as left.
  void LeaveGroup(uint64_t group_id);
  // For ~Group: drops the group from the live count.
  void OnGroupDestroyed() { --live_groups_; }
  // For ~HostBuffer and ~DeviceBuffer: unregisters `buffer_id` (best effort: failures are
  // reported on stderr; nothing to do once the session is lost).
  void ReleaseBuffer(uint64_t buffer_id);

 private:
  ClientImpl(std::string address, std::shared_ptr<grpc::Channel> channel);

  // Runs `rpc` with a deadline of `budget` from now, after checking that
  // the session is alive. Throws Error: the lost-session error if the
  // daemon went away, DEADLINE_EXCEEDED naming `method` if the daemon did
  // not answer in time, else the daemon's status.
  void Invoke(std::string_view method, std::chrono::milliseconds budget,
              const std::function<grpc::Status(grpc::ClientContext*)>& rpc);
  std::unique_ptr<HostBuffer> Register(ShmSegment segment);
  // Checks that a view names a buffer of this client.
  v1::BufferRef ToRef(const BufferView& view, std::string_view role) const;

  const std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::SessionService::Stub> session_stub_;
  std::unique_ptr<v1::BufferService::Stub> buffers_;
  std::unique_ptr<v1::GroupService::Stub> groups_;
  std::unique_ptr<v1::CollectiveService::Stub> collectives_;
  std::unique_ptr<v1::MetadataService::Stub> metadata_;
  std::unique_ptr<SessionStream> session_;  // after the stub it uses
  std::unique_ptr<DeviceStreams> streams_;  // after session_: unregisters through it
  std::atomic<int> live_buffers_{0};
  std::atomic<int> live_groups_{0};
};

}  // namespace ccs
