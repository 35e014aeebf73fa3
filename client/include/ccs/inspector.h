// Read-only views of a daemon's state, for ccsctl and monitoring tools.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccs/client.h"
#include "ccs/error.h"
#include "ccs/types.h"

namespace ccs {

class InspectorImpl;

struct InspectorOptions {
  // Same forms and default as ClientOptions::address.
  std::string address = DefaultAddress();
  // Bounds the connection wait and every call.
  std::chrono::milliseconds timeout{5000};
};

struct VersionInfo {
  std::string version;
  std::string git_commit;
  std::vector<std::string> engines;
  int32_t pid = 0;
  uint64_t uptime_ms = 0;
  std::string nccl_version;  // the daemon's loaded NCCL ("2.28.9"); empty: none
};

struct SessionInfo {
  uint64_t session_id = 0;
  uint32_t uid = 0;
  int32_t pid = 0;
  std::string client_name;
  uint32_t buffers = 0;
  uint64_t mapped_bytes = 0;
  uint32_t groups = 0;
  uint64_t age_ms = 0;
};

struct BufferInfo {
  uint64_t buffer_id = 0;
  uint64_t session_id = 0;
  // "host_shm", "cuda_ipc", or "unknown" for a kind this SDK does not know.
  std::string kind;
  std::string shm_name;  // host_shm
  uint64_t size_bytes = 0;
  std::string device_uuid;  // cuda_ipc: the GPU ("GPU-...")
};

// Enum fields are nullopt when a newer daemon reports a value this SDK does
// not know.
struct GroupSummary {
  uint64_t group_id = 0;
  std::string name;
  uint64_t epoch = 0;
  std::optional<GroupState> state;
  uint32_t world_size = 0;
  uint32_t joined = 0;
  // Highest sequence number completed by every rank (0: none yet).
  uint64_t completed_seq = 0;
  uint32_t in_flight_ops = 0;
  std::string broken_reason;
  uint64_t age_ms = 0;
};

struct MemberInfo {
  uint32_t rank = 0;
  bool joined = false;
  uint64_t session_id = 0;
  int32_t pid = 0;
  uint32_t uid = 0;
  // Sequence number of the last op this rank completed (0: none).
  uint64_t last_completed_seq = 0;
  bool alive = false;
  // The node whose daemon serves the rank.
  std::string node;
  // Served by a daemon that was not heard from (local_only, or its node did
  // not answer): session, pid, uid and progress are unknown (0).
  bool remote = false;
  // The collective of last_completed_seq (nullopt: none, or not known).
  std::optional<CollectiveKind> last_completed_kind;
};

// A rank inside an in-flight op, and for how long it has waited there.
struct ArrivedRank {
  uint32_t rank = 0;
  uint64_t waiting_ms = 0;
};

// One sequence number of a group that some ranks have started and others
// have not: "who is missing from which collective, for how long".
struct InFlightOp {
  uint64_t seq = 0;
  std::optional<CollectiveKind> kind;
  std::optional<DataType> dtype;
  uint64_t count = 0;
  std::vector<uint32_t> arrived_ranks;
  std::vector<uint32_t> missing_ranks;
  // Milliseconds since the first rank arrived.
  uint64_t waiting_ms = 0;
  // The arrived ranks with how long each has waited, in rank order.
  std::vector<ArrivedRank> arrivals;
  // Ranks of nodes that did not answer: whether they arrived is unknown.
  std::vector<uint32_t> unknown_ranks;
};

// A node of a group, as the asked daemon reached it.
struct GroupNode {
  std::string name;
  std::string peer_address;  // empty on a single node
  bool self = false;         // the daemon that answered
  bool answered = false;     // its view is part of the description
  std::string error;         // why not
  std::optional<GroupState> state;
  std::vector<uint32_t> ranks;
};

// A group as its daemons see it: for a multi-node group the asked daemon
// merges in what every other node of the group told it.
struct GroupDetail {
  GroupSummary group;
  std::vector<MemberInfo> members;     // rank order
  std::vector<InFlightOp> in_flight;   // oldest collective first, then channels
  std::vector<GroupNode> nodes;        // node order
};

// A node the daemon knows: itself, or one of its multi-node groups' nodes
// (or the rendezvous root), as it answered when asked.
struct NodeInfo {
  std::string name;
  std::string peer_address;  // empty for a daemon without peers
  bool self = false;
  bool rendezvous_root = false;
  std::string version;
  bool reachable = false;
  std::string error;          // why not reachable, or a name mismatch
  uint64_t rtt_us = 0;        // round trip of asking it
  std::vector<std::string> groups;  // this daemon's groups with ranks there
};

// An in-flight op of a named group.
struct GroupOp {
  std::string group;
  uint64_t epoch = 0;
  InFlightOp op;
};

// A rank a session holds.
struct SessionRank {
  std::string group;
  uint64_t epoch = 0;
  uint32_t rank = 0;
  uint32_t world_size = 0;
  std::optional<GroupState> state;
  uint64_t last_completed_seq = 0;
};

struct SessionDetail {
  SessionInfo session;
  std::vector<BufferInfo> buffers;
  std::vector<SessionRank> ranks;
  // In-flight ops of its groups that one of its ranks is in or awaited by.
  std::vector<GroupOp> ops;
};

// One rank's arrival at a recorded op.
struct OpArrival {
  uint32_t rank = 0;
  int64_t arrived_unix_us = 0;  // wall clock, microseconds since the epoch
};

// One finished op of a group's flight recorder, recorded once (not per
// rank) when it completed or failed. Enum fields are nullopt when the
// collective does not use them (dtype of a barrier, op of a non-reduction)
// or when a newer daemon sent a value this SDK does not know.
struct OpRecord {
  // Collectives: the group's sequence number; a matched send/recv pair: its
  // number on the (sender, receiver) channel; an unmatched send or recv: 0.
  uint64_t seq = 0;
  // A matched send/recv pair is recorded as kSend, sender first.
  std::optional<CollectiveKind> kind;
  std::optional<DataType> dtype;
  std::optional<ReduceOp> op;
  uint64_t count = 0;
  std::optional<uint32_t> root;  // rooted collectives only
  std::optional<uint32_t> peer;  // send/recv only
  // Bytes the op writes into the outputs of the ranks that arrived.
  uint64_t bytes = 0;
  std::vector<OpArrival> arrivals;  // ranks that arrived
  int64_t first_arrival_unix_us = 0;
  int64_t finished_unix_us = 0;
  // What every arrived rank was told (kOk: every output is complete).
  Code status_code = Code::kOk;
  std::string status_message;
};

// A group's flight recorder: its last finished ops, oldest first.
struct GroupDump {
  GroupSummary group;
  uint32_t capacity = 0;      // ops the recorder keeps
  uint64_t recorded_ops = 0;  // ops recorded since the group formed
  std::vector<OpRecord> ops;
};

enum class HealthStatus { kServing, kNotServing };

// Which grpc.health.v1 service to ask: the overall server (""), which
// follows readiness; "ccs.liveness" (the daemon runs its main loop); or
// "ccs.readiness" (it accepts work: engines up, socket bound, not draining).
enum class HealthService { kOverall, kLiveness, kReadiness };

// The grpc.health.v1 service name of `service` ("", "ccs.liveness", ...).
std::string_view HealthServiceName(HealthService service);

// A sessionless connection to a daemon's read-only services: it does not
// appear in `ccsctl get sessions` and has no effect on groups. Every call
// blocks for at most options.timeout and throws Error on failure
// (UNAVAILABLE: no daemon; DEADLINE_EXCEEDED: it did not answer in time;
// NOT_FOUND: no such group). Thread-safe.
class Inspector {
 public:
  // Waits up to options.timeout for the daemon; throws Error(UNAVAILABLE)
  // naming the address and the reason when none answers.
  static std::unique_ptr<Inspector> Connect(const InspectorOptions& options);
  ~Inspector();
  Inspector(const Inspector&) = delete;
  Inspector& operator=(const Inspector&) = delete;

  // The address as dialled (normalised: a bare path becomes "unix://path").
  const std::string& address() const;

  VersionInfo GetVersion();
  std::vector<SessionInfo> ListSessions();
  std::vector<BufferInfo> ListBuffers();
  std::vector<GroupSummary> ListGroups();
  // A multi-node group is described across its nodes (the daemon asks
  // the others, a few seconds at most) unless `local_only`.
  GroupDetail DescribeGroup(const std::string& name, bool local_only = false);
  // The flight recorder of the current group named `name` (NOT_FOUND if
  // there is none).
  GroupDump DumpGroup(const std::string& name);
  // This daemon first, then the other nodes it knows, each asked by the
  // daemon (a few seconds at most).
  std::vector<NodeInfo> ListNodes();
  // Every in-flight op of every group, as this daemon sees it.
  std::vector<GroupOp> ListOps();
  // NOT_FOUND when the daemon has no session `session_id`.
  SessionDetail DescribeSession(uint64_t session_id);
  // grpc.health.v1 Check of `service`. A daemon that does not serve the
  // health service at all is SERVING if it answers GetVersion. Throws when
  // the daemon cannot be reached, and NOT_FOUND when it does not know the
  // service name (a ccsd older than the name).
  HealthStatus CheckHealth(HealthService service = HealthService::kOverall);

 private:
  explicit Inspector(std::unique_ptr<InspectorImpl> impl);
  std::unique_ptr<InspectorImpl> impl_;
};

}  // namespace ccs
