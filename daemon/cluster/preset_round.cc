#include "daemon/cluster/preset_round.h"

#include <mutex>

#include "daemon/cluster/group_network.h"

namespace ccs::cluster {
namespace {

constexpr uint64_t kPresetEpoch = 1;

class PresetRound final : public FormationRound {
 public:
  PresetRound(std::shared_ptr<rendezvous::Store> store, Engine* local, ClusterOptions options,
              GroupKeys keys, std::vector<RankRecord> members)
      : store_(std::move(store)),
        local_(local),
        options_(std::move(options)),
        keys_(std::move(keys)),
        members_(std::move(members)),
        registered_(members_.size(), false) {}

  uint64_t epoch() const override { return kPresetEpoch; }

  Status Register(uint32_t rank, const RankRecord& record) override {
    if (rank >= members_.size()) {
      return InvalidArgument("rank " + std::to_string(rank) + " is out of range for subgroup '" +
                             keys_.name + "' of " + std::to_string(members_.size()) + " ranks");
    }
    const RankRecord& want = members_[rank];
    if (want.node != record.node || want.session_id != record.session_id) {
      return InvalidArgument("rank " + std::to_string(rank) + " of subgroup '" + keys_.name +
                             "' belongs to session " + std::to_string(want.session_id) +
                             " on node " + want.node + ", not to session " +
                             std::to_string(record.session_id) + " on node " + record.node);
    }
    std::lock_guard lock(mu_);
    registered_[rank] = true;
    return Status::Ok();
  }

  // Never blocks: what it waits for, this node's ranks joining, reaches it
  // only through Register (the group waits for joins between calls).
  std::optional<Status> Await(Clock::time_point) override {
    if (MissingHere().empty()) return Status::Ok();
    return std::nullopt;
  }

  StatusOr<std::vector<uint32_t>> Missing() override { return MissingHere(); }

  StatusOr<bool> Fail(const Status&) override { return true; }

  StatusOr<std::unique_ptr<GroupNetwork>> Connect(Clock::time_point deadline) override {
    return ConnectGroupNetwork(members_, store_, local_, options_, keys_, kPresetEpoch,
                               deadline);
  }

 private:
  // Ranks this node serves that have not registered.
  std::vector<uint32_t> MissingHere() {
    std::lock_guard lock(mu_);
    std::vector<uint32_t> missing;
    for (uint32_t r = 0; r < members_.size(); ++r) {
      if (members_[r].node == options_.node_name && !registered_[r]) missing.push_back(r);
    }
    return missing;
  }

  const std::shared_ptr<rendezvous::Store> store_;
  Engine* const local_;
  const ClusterOptions options_;
  const GroupKeys keys_;
  const std::vector<RankRecord> members_;
  std::mutex mu_;
  std::vector<bool> registered_;
};

}  // namespace

std::unique_ptr<FormationRound> MakePresetRound(std::shared_ptr<rendezvous::Store> store,
                                                Engine* local, const ClusterOptions& options,
                                                GroupKeys keys, std::vector<RankRecord> members) {
  return std::make_unique<PresetRound>(std::move(store), local, options, std::move(keys),
                                       std::move(members));
}

}  // namespace ccs::cluster
