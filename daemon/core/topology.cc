#include <algorithm>
#include <map>

#include "daemon/core/cluster.h"

namespace ccs {

StatusOr<Topology> BuildTopology(std::vector<RankRecord> ranks,
                                 const std::string& self_node) {
  Topology t;
  std::map<std::string, uint32_t> index;
  for (uint32_t r = 0; r < ranks.size(); ++r) {
    const RankRecord& rec = ranks[r];
    if (rec.node.empty() || rec.peer_address.empty()) {
      return InvalidArgument("rank " + std::to_string(r) +
                             " was registered without a node name or peer address");
    }
    auto [it, added] = index.emplace(rec.node, static_cast<uint32_t>(t.nodes.size()));
    if (added) {
      t.nodes.push_back(rec.node);
      t.node_addresses.push_back(rec.peer_address);
      t.node_ranks.emplace_back();
    } else if (t.node_addresses[it->second] != rec.peer_address) {
      return InvalidArgument("two daemons call themselves node '" + rec.node + "' (" +
                             t.node_addresses[it->second] + " and " + rec.peer_address +
                             "); give each daemon its own node_name");
    }
    t.node_of.push_back(it->second);
    t.node_ranks[it->second].push_back(r);
  }
  auto self = index.find(self_node);
  if (self == index.end()) {
    return InvalidArgument("node '" + self_node + "' serves no rank of this group");
  }
  t.self = self->second;
  // Nodes were numbered in order of their lowest rank; ranks ascend.
  t.contiguous = true;
  uint32_t next = 0;
  for (const auto& block : t.node_ranks) {
    for (uint32_t r : block) t.contiguous = t.contiguous && r == next++;
  }
  t.ranks = std::move(ranks);
  return t;
}

}  // namespace ccs
