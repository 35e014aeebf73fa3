// Group::Split and Group::NewSubgroup: the (color, key) exchange over the
// parent and the JoinSubgroup call for the resulting member list.
#include <algorithm>
#include <set>

#include "ccs/error.h"
#include "ccs/group.h"
#include "client/src/client_impl.h"

namespace ccs {

std::unique_ptr<Group> Group::Split(int32_t color, int32_t key, const SubgroupOptions& options) {
  const std::string name =
      options.name.empty() ? "" : options.name + "/" + std::to_string(color);
  return SplitAs(color, key, name, options.timeout);
}

std::unique_ptr<Group> Group::NewSubgroup(const std::vector<uint32_t>& ranks,
                                          const SubgroupOptions& options) {
  std::set<uint32_t> seen;
  for (uint32_t r : ranks) {
    if (r >= size_ || !seen.insert(r).second) {
      throw Error(Code::kInvalidArgument,
                  "NewSubgroup of group " + name_ + " (size " + std::to_string(size_) +
                      "): rank " + std::to_string(r) +
                      (r >= size_ ? " is out of range" : " is listed twice"));
    }
  }
  auto at = std::find(ranks.begin(), ranks.end(), rank_);
  const int32_t color = at == ranks.end() ? -1 : 0;
  const auto key = static_cast<int32_t>(at - ranks.begin());
  return SplitAs(color, key, options.name, options.timeout);
}

std::unique_ptr<Group> Group::SplitAs(int32_t color, int32_t key, const std::string& name,
                                      std::chrono::milliseconds timeout) {
  const uint64_t seq = ++splits_;
  // [color, key] of this rank, then [color, key] of every rank.
  if (!exchange_) exchange_ = client_->CreateHostBuffer(2 * (size_t{size_} + 1) * sizeof(int32_t));
  auto* v = exchange_->as<int32_t>();
  v[0] = color;
  v[1] = key;
  AllGather(BufferView(*exchange_, 0), BufferView(*exchange_, 2 * sizeof(int32_t)), 2,
            DataType::kInt32);
  if (color < 0) return nullptr;
  const int32_t* table = v + 2;
  std::vector<uint32_t> members;
  for (uint32_t r = 0; r < size_; ++r) {
    if (table[2 * r] == color) members.push_back(r);
  }
  // By key, ties by rank here (members are in rank order already).
  std::stable_sort(members.begin(), members.end(), [table](uint32_t a, uint32_t b) {
    return table[2 * a + 1] < table[2 * b + 1];
  });
  const std::string subgroup =
      name.empty() ? name_ + "@" + std::to_string(epoch_) + "/split" + std::to_string(seq) + "/" +
                         std::to_string(color)
                   : name;
  return client_->JoinSubgroup(id_, members, subgroup, seq, timeout);
}

}  // namespace ccs
