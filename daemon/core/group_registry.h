// GroupRegistry: every group of this daemon, by id and by name.
//
// A name has at most one current group; forming a name again after its group
// broke or was destroyed makes a new group with the next epoch. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/core/config.h"
#include "daemon/core/group.h"
#include "daemon/core/op_observer.h"
#include "daemon/core/session_manager.h"
#include "daemon/core/status.h"
#include "daemon/engine/engine.h"

namespace ccs {

struct JoinRequest {
  std::string name;
  uint32_t world_size = 0;
  uint32_t rank = 0;
  std::chrono::milliseconds timeout{0};  // 0: config's join_timeout_ms
  int32_t gpu = -1;  // the GPU (daemon index) the rank named, or -1
};

// A subgroup of a READY parent group: every rank of the subgroup asks for
// it with the same parent ranks, name and split_seq (the SDK exchanges them
// over the parent first), so no rendezvous round is needed.
struct SubgroupRequest {
  uint64_t parent_id = 0;
  // The parent ranks that form the subgroup, in subgroup rank order.
  std::vector<uint32_t> parent_ranks;
  std::string name;
  // Tells apart the subgroups made from one parent epoch (the SDK counts
  // the parent's splits); part of the subgroup's keys between nodes.
  uint64_t split_seq = 0;
  std::chrono::milliseconds timeout{0};  // 0: config's join_timeout_ms
};

// A group and the rank a session holds in it.
struct Membership {
  std::shared_ptr<Group> group;
  uint32_t rank = 0;
};

class GroupRegistry {
 public:
  // `observer` (may be null) is told about every op of every group and must
  // outlive the registry.
  // `cluster` (may be null: every group is on this node) forms groups
  // across nodes and must outlive the registry.
  GroupRegistry(Engine* engine, const Config& config, OpObserver* observer = nullptr,
                Cluster* cluster = nullptr);

  // Joins `session` to the group named in `request`. `done` runs once, when
  // the group is READY or formation fails (DEADLINE_EXCEEDED naming the
  // missing ranks). Errors found at once are returned and `done` is not
  // called: INVALID_ARGUMENT (empty name, world size 0, rank out of range,
  // world size differing from the forming group's), ALREADY_EXISTS (rank
  // taken, or the name's group is READY), RESOURCE_EXHAUSTED (session's group
  // limit), or `refusal` (UNAVAILABLE) once BeginDrain was called.
  Status Join(const Session& session, const JoinRequest& request, JoinDone done);

  // Joins `session` to the subgroup of `request`, as the rank at which its
  // own parent rank appears in parent_ranks. Where every member lives comes
  // from the parent, so the subgroup forms once this daemon's members
  // joined (and, across nodes, once its nodes connected). Errors found at
  // once: INVALID_ARGUMENT (no or repeated or out-of-range parent ranks, the
  // caller's parent rank not among them, bad name), NOT_FOUND (no such
  // parent, or the session is not a member of it), FAILED_PRECONDITION
  // (parent not READY), and those of Join. `done` as for Join.
  Status JoinSubgroup(const Session& session, const SubgroupRequest& request, JoinDone done);

  // The group `group_id` and the rank `session_id` holds in it: NOT_FOUND if
  // the group does not exist or the session is not a live member of it
  // (after ShutdownAll: its status).
  StatusOr<Membership> Find(uint64_t session_id, uint64_t group_id) const;

  // `session_id` leaves `group_id`; see Group::RemoveMember.
  Status Leave(uint64_t session_id, uint64_t group_id);

  // The session ended (its process exited or closed the stream): it leaves
  // every group it was a member of, which breaks them for the others.
  void OnSessionClosed(const Session& session);

  // Something outside the executors found group `group_id` out of step (the
  // CUDA engine's watchdog: device work past its deadline, a failed NCCL
  // communicator): Group::Break with `reason`. No-op for an unknown group.
  void BreakGroup(uint64_t group_id, const std::string& reason);

  // Current groups, ordered by name.
  std::vector<std::shared_ptr<Group>> List() const;
  // NOT_FOUND if no current group has that name.
  StatusOr<std::shared_ptr<Group>> FindByName(const std::string& name) const;

  // The daemon starts draining: every later Join fails with `refusal`
  // (UNAVAILABLE naming the drain), groups still FORMING fail their joins
  // with it and are forgotten, and READY groups refuse new ops with it
  // (Group::Drain). Idempotent.
  void BeginDrain(const Status& refusal);

  // Sum of Group::InFlightOps over every group.
  size_t InFlightOps() const;

  // Fails everything in every group with `status` and forgets them, then
  // waits until each group's executor has stopped or `deadline` passed
  // (an op inside the engine finishes first). Returns the number of
  // executors still running at the deadline. Later Join and Find calls
  // fail with `status`.
  size_t ShutdownAll(const Status& status, Clock::time_point deadline);

  void SetLimits(const Limits& limits);

 private:
  void Forget(uint64_t group_id);
  // The checks every join makes before touching a group (mu_ held).
  Status AdmitLocked(const Session& session) const;
  // The current group named `name` to join: the one FORMING, or a new one
  // made with `hooks` (mu_ held). ALREADY_EXISTS while the name is READY.
  StatusOr<std::shared_ptr<Group>> ForJoinLocked(const std::string& name, uint32_t world_size,
                                                 Clock::time_point deadline,
                                                 const std::function<GroupHooks()>& hooks);

  Engine* const engine_;
  const std::chrono::milliseconds default_join_timeout_;

  mutable std::mutex mu_;
  Limits limits_;
  OpObserver* const observer_;
  Cluster* const cluster_;
  const uint32_t flight_recorder_ops_;
  std::optional<Status> draining_;
  std::optional<Status> shut_down_;  // ShutdownAll's status, for later calls
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::shared_ptr<Group>> by_id_;
  std::map<std::string, std::shared_ptr<Group>> by_name_;
  std::map<std::string, uint64_t> epochs_;
};

}  // namespace ccs
