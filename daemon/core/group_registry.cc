#include "daemon/core/group_registry.h"

namespace ccs {

GroupRegistry::GroupRegistry(Engine* engine, const Config& config, OpObserver* observer,
                             Cluster* cluster)
    : engine_(engine),
      default_join_timeout_(config.join_timeout_ms),
      limits_(config.limits),
      observer_(observer),
      cluster_(cluster),
      flight_recorder_ops_(config.flight_recorder_ops) {}

Status GroupRegistry::Join(const Session& session, const JoinRequest& request,
                           JoinDone done) {
  if (request.name.empty() || request.name.size() > 256) {
    return InvalidArgument("group name must be 1-256 characters");
  }
  if (request.world_size == 0) return InvalidArgument("world size must be at least 1");
  if (request.rank >= request.world_size) {
    return InvalidArgument("rank " + std::to_string(request.rank) +
                           " is out of range for world size " +
                           std::to_string(request.world_size) + " (ranks are 0.." +
                           std::to_string(request.world_size - 1) + ")");
  }
  auto timeout = request.timeout.count() > 0 ? request.timeout : default_join_timeout_;
  Clock::time_point deadline = Clock::now() + timeout;

  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(AdmitLocked(session));
  ASSIGN_OR_RETURN(std::shared_ptr<Group> group,
                   ForJoinLocked(request.name, request.world_size, deadline, [this] {
                     return GroupHooks{observer_, flight_recorder_ops_, cluster_};
                   }));
  return group->Join(request.rank, request.world_size, session, deadline, std::move(done),
                     request.gpu);
}

Status GroupRegistry::JoinSubgroup(const Session& session, const SubgroupRequest& request,
                                   JoinDone done) {
  if (request.name.empty() || request.name.size() > 256) {
    return InvalidArgument("subgroup name must be 1-256 characters");
  }
  ASSIGN_OR_RETURN(Membership parent, Find(session.id, request.parent_id));
  const GroupView view = parent.group->View();
  if (view.state != GroupState::kReady) {
    return FailedPrecondition("parent group '" + view.name + "' is " +
                              std::string(GroupStateName(view.state)) +
                              "; subgroups come from a READY group");
  }
  if (request.parent_ranks.empty()) {
    return InvalidArgument("a subgroup needs at least one rank of its parent");
  }
  std::vector<bool> seen(view.world_size, false);
  std::optional<uint32_t> rank;
  for (uint32_t i = 0; i < request.parent_ranks.size(); ++i) {
    const uint32_t p = request.parent_ranks[i];
    if (p >= view.world_size || seen[p]) {
      return InvalidArgument("subgroup rank list of parent '" + view.name + "' (world size " +
                             std::to_string(view.world_size) + ") has " +
                             (p >= view.world_size ? "out-of-range" : "repeated") +
                             " rank " + std::to_string(p));
    }
    seen[p] = true;
    if (p == parent.rank) rank = i;
  }
  if (!rank) {
    return InvalidArgument("rank " + std::to_string(parent.rank) + " of parent '" + view.name +
                           "' is not among the subgroup's ranks; only members join it");
  }
  const auto world = static_cast<uint32_t>(request.parent_ranks.size());
  auto timeout = request.timeout.count() > 0 ? request.timeout : default_join_timeout_;
  Clock::time_point deadline = Clock::now() + timeout;

  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(AdmitLocked(session));
  ASSIGN_OR_RETURN(
      std::shared_ptr<Group> group,
      ForJoinLocked(request.name, world, deadline, [&] {
        GroupHooks hooks{observer_, flight_recorder_ops_, cluster_};
        if (cluster_ == nullptr) return hooks;
        // Where every member lives, from the parent; keys of its own.
        std::map<std::string, std::string> address;
        for (const NodeView& n : view.nodes) address[n.name] = n.peer_address;
        std::vector<RankRecord> members;
        for (uint32_t p : request.parent_ranks) {
          const MemberView& m = view.members[p];
          const std::string node = m.node.empty() ? cluster_->node_name() : m.node;
          members.push_back(RankRecord{node, address.count(node) ? address[node]
                                                                 : cluster_->peer_address(),
                                       m.pid, m.session_id});
        }
        hooks.round = cluster_->PresetRound(view.name + "/" + std::to_string(view.epoch) +
                                                "/sub/" + std::to_string(request.split_seq) +
                                                "/" + request.name,
                                            std::move(members));
        return hooks;
      }));
  return group->Join(*rank, world, session, deadline, std::move(done));
}

Status GroupRegistry::AdmitLocked(const Session& session) const {
  if (shut_down_) return *shut_down_;
  if (draining_) return *draining_;
  uint32_t memberships = 0;
  for (const auto& [id, g] : by_id_) memberships += g->RankOf(session.id) ? 1 : 0;
  if (memberships >= limits_.max_groups_per_session) {
    return ResourceExhausted("session " + std::to_string(session.id) + " is already in " +
                             std::to_string(memberships) +
                             " groups, the limit (limits.max_groups_per_session)");
  }
  return Status::Ok();
}

StatusOr<std::shared_ptr<Group>> GroupRegistry::ForJoinLocked(
    const std::string& name, uint32_t world_size, Clock::time_point deadline,
    const std::function<GroupHooks()>& hooks) {
  std::shared_ptr<Group>& current = by_name_[name];
  if (current && current->state() == GroupState::kReady) {
    return AlreadyExists("group '" + name + "' epoch " + std::to_string(current->epoch()) +
                         " is already formed and READY; use another name or wait until "
                         "its members leave");
  }
  if (!current || current->state() != GroupState::kForming) {
    uint64_t id = next_id_++;
    current = Group::Create(id, name, ++epochs_[name], world_size, engine_, deadline,
                            [this](uint64_t gid) { Forget(gid); }, hooks());
    by_id_[id] = current;
  }
  return current;
}

StatusOr<Membership> GroupRegistry::Find(uint64_t session_id, uint64_t group_id) const {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(group_id);
  if (it == by_id_.end()) {
    if (shut_down_) return *shut_down_;
    return NotFound("group " + std::to_string(group_id) +
                    " does not exist (never formed, or destroyed)");
  }
  std::optional<uint32_t> rank = it->second->RankOf(session_id);
  if (!rank) {
    return NotFound("session " + std::to_string(session_id) +
                    " is not a member of group '" + it->second->name() + "'");
  }
  return Membership{it->second, *rank};
}

Status GroupRegistry::Leave(uint64_t session_id, uint64_t group_id) {
  ASSIGN_OR_RETURN(Membership m, Find(session_id, group_id));
  if (m.group->RemoveMember(m.rank, "left the group")) Forget(group_id);
  return Status::Ok();
}

void GroupRegistry::OnSessionClosed(const Session& session) {
  std::vector<Membership> memberships;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, g] : by_id_) {
      if (auto rank = g->RankOf(session.id)) memberships.push_back({g, *rank});
    }
  }
  for (const Membership& m : memberships) {
    if (m.group->RemoveMember(m.rank, "disconnected: its process exited or closed its "
                                      "session")) {
      Forget(m.group->id());
    }
  }
}

void GroupRegistry::Forget(uint64_t group_id) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(group_id);
  if (it == by_id_.end()) return;
  auto named = by_name_.find(it->second->name());
  if (named != by_name_.end() && named->second == it->second) by_name_.erase(named);
  by_id_.erase(it);
}

std::vector<std::shared_ptr<Group>> GroupRegistry::List() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Group>> out;
  for (const auto& [id, g] : by_id_) out.push_back(g);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a->name() != b->name() ? a->name() < b->name() : a->epoch() < b->epoch();
  });
  return out;
}

StatusOr<std::shared_ptr<Group>> GroupRegistry::FindByName(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end() || !it->second) {
    return NotFound("no group named '" + name + "' on this daemon");
  }
  return it->second;
}

void GroupRegistry::BreakGroup(uint64_t group_id, const std::string& reason) {
  std::shared_ptr<Group> group;
  {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(group_id);
    if (it == by_id_.end()) return;
    group = it->second;
  }
  group->Break(reason);  // outside our lock: lock order is registry, then group
}

void GroupRegistry::BeginDrain(const Status& refusal) {
  std::vector<std::shared_ptr<Group>> forming;
  std::vector<std::shared_ptr<Group>> others;
  {
    std::lock_guard lock(mu_);
    if (draining_) return;
    draining_ = refusal;
    for (auto it = by_id_.begin(); it != by_id_.end();) {
      if (it->second->state() != GroupState::kForming) {
        others.push_back((it++)->second);
        continue;
      }
      forming.push_back(it->second);
      auto named = by_name_.find(it->second->name());
      if (named != by_name_.end() && named->second == it->second) by_name_.erase(named);
      it = by_id_.erase(it);
    }
  }
  for (auto& g : forming) {
    g->Drain(refusal);  // a group that became READY meanwhile refuses ops too
    g->Shutdown(refusal);
  }
  for (auto& g : others) g->Drain(refusal);
}

size_t GroupRegistry::InFlightOps() const {
  size_t n = 0;
  for (const auto& g : List()) n += g->InFlightOps();
  return n;
}

size_t GroupRegistry::ShutdownAll(const Status& status, Clock::time_point deadline) {
  std::map<uint64_t, std::shared_ptr<Group>> groups;
  {
    std::lock_guard lock(mu_);
    groups.swap(by_id_);
    by_name_.clear();
    shut_down_ = status;
  }
  for (auto& [id, g] : groups) g->Shutdown(status);
  size_t running = 0;
  for (auto& [id, g] : groups) running += g->WaitStopped(deadline) ? 0 : 1;
  return running;
}

void GroupRegistry::SetLimits(const Limits& limits) {
  std::lock_guard lock(mu_);
  limits_ = limits;
}

}  // namespace ccs
