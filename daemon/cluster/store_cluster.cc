#include "daemon/cluster/store_cluster.h"

#include "daemon/cluster/preset_round.h"
#include "daemon/cluster/store_round.h"

namespace ccs::cluster {
namespace {

class StoreCluster final : public Cluster {
 public:
  StoreCluster(std::shared_ptr<rendezvous::Store> store, Engine* local,
               ClusterOptions options)
      : store_(std::move(store)), local_(local), options_(std::move(options)) {
    if (options_.data_host.empty()) {
      const auto colon = options_.peer_address.rfind(':');
      options_.data_host = options_.peer_address.substr(0, colon);
      if (options_.data_host.empty() || options_.data_host == "0.0.0.0") {
        options_.data_host = "127.0.0.1";
      }
    }
  }

  const std::string& node_name() const override { return options_.node_name; }
  const std::string& peer_address() const override { return options_.peer_address; }

  StatusOr<std::unique_ptr<FormationRound>> OpenRound(const std::string& name,
                                                      uint32_t world_size) override {
    return OpenStoreRound(store_, local_, options_, GroupKeys{name}, world_size);
  }

  std::unique_ptr<FormationRound> PresetRound(const std::string& key,
                                              std::vector<RankRecord> members) override {
    return MakePresetRound(store_, local_, options_, GroupKeys{key}, std::move(members));
  }

 private:
  const std::shared_ptr<rendezvous::Store> store_;
  Engine* const local_;
  ClusterOptions options_;
};

}  // namespace

std::unique_ptr<Cluster> MakeStoreCluster(std::shared_ptr<rendezvous::Store> store,
                                          Engine* local, ClusterOptions options) {
  return std::make_unique<StoreCluster>(std::move(store), local, std::move(options));
}

}  // namespace ccs::cluster
