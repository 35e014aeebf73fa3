// Read-only views of a daemon's state, for ccsctl and monitoring tools.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccs/client.h"
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
  // "host_shm", or "unknown" for a kind this SDK does not know.
  std::string kind;
  std::string shm_name;
  uint64_t size_bytes = 0;
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
};

struct GroupDetail {
  GroupSummary group;
  std::vector<MemberInfo> members;
  std::vector<InFlightOp> in_flight;
};

enum class HealthStatus { kServing, kNotServing };

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
  GroupDetail DescribeGroup(const std::string& name);
  // grpc.health.v1 Check of the overall server (service ""). A daemon that
  // does not serve the health service is SERVING if it answers GetVersion.
  // Throws only when the daemon cannot be reached.
  HealthStatus CheckHealth();

 private:
  explicit Inspector(std::unique_ptr<InspectorImpl> impl);
  std::unique_ptr<InspectorImpl> impl_;
};

}  // namespace ccs
