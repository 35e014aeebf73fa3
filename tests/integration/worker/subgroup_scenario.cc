#include "worker/subgroup_scenario.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "ccs/client.h"
#include "ccs/parallel_layout.h"
#include "worker/report.h"

namespace ccs::it {
namespace {

constexpr uint64_t kCount = 257;

// Checks that `sub` is the group of parent ranks `members` (in order) as
// seen by parent rank `parent_rank`, then runs one verified all_reduce.
Outcome Check(Client& client, Group* sub, uint32_t parent_rank,
              const std::vector<uint32_t>& members) {
  Outcome o;
  auto at = std::find(members.begin(), members.end(), parent_rank);
  const bool member = at != members.end();
  if (member != (sub != nullptr)) {
    o.code = "MISMATCH";
    o.message = member ? "no group for a member" : "a group for a non-member";
    return o;
  }
  if (!sub) return o;
  const auto want_rank = static_cast<uint32_t>(at - members.begin());
  if (sub->size() != members.size() || sub->rank() != want_rank) {
    o.code = "MISMATCH";
    o.message = "rank " + std::to_string(sub->rank()) + " of " + std::to_string(sub->size()) +
                ", expected " + std::to_string(want_rank) + " of " +
                std::to_string(members.size());
    return o;
  }
  auto buf = client.CreateHostBuffer(2 * kCount * sizeof(int64_t));
  auto* p = buf->as<int64_t>();
  for (uint64_t i = 0; i < kCount; ++i) {
    p[i] = parent_rank + 1 + static_cast<int64_t>(i % 3);
    p[kCount + i] = -1;
  }
  o = Attempt([&] {
    sub->AllReduce(BufferView(*buf, 0), BufferView(*buf, kCount * sizeof(int64_t)), kCount,
                   DataType::kInt64, ReduceOp::kSum);
  });
  if (o.code != "OK") return o;
  int64_t base = 0;
  for (uint32_t m : members) base += m + 1;
  const auto n = static_cast<int64_t>(members.size());
  for (uint64_t i = 0; i < kCount; ++i) {
    const int64_t want = base + n * static_cast<int64_t>(i % 3);
    if (p[kCount + i] != want) {
      o.code = "MISMATCH";
      o.message = "all_reduce index " + std::to_string(i) + ": expected " +
                  std::to_string(want) + ", got " + std::to_string(p[kCount + i]);
      break;
    }
  }
  return o;
}

void Report(const std::string& step, const Outcome& o, const Group* sub) {
  PrintResult(step, o,
              {{"member", sub ? "1" : "0"},
               {"size", sub ? std::to_string(sub->size()) : "0"},
               {"rank", sub ? std::to_string(sub->rank()) : "none"},
               {"name", sub ? sub->name() : "none"}});
}

// This rank's client and its membership of --group (--world, --rank).
struct Parent {
  std::unique_ptr<Client> client;
  std::unique_ptr<Group> group;
  uint32_t world = 0;
  uint32_t rank = 0;
  std::chrono::milliseconds timeout{0};
};

Parent JoinParent(const Args& args, const std::string& scenario) {
  Parent p;
  ClientOptions co;
  co.address = args.Str("addr");
  co.client_name = scenario + "-" + args.Str("rank");
  p.client = Client::Connect(co);
  p.world = static_cast<uint32_t>(args.U64("world"));
  p.rank = static_cast<uint32_t>(args.U64("rank"));
  p.timeout = std::chrono::milliseconds(args.U64("timeout-ms", 30000));
  p.group = p.client->JoinGroup(args.Str("group"), p.world, p.rank, p.timeout);
  return p;
}

}  // namespace

int RunSubgroups(const Args& args) {
  Parent p = JoinParent(args, "subgroups");
  Client* client = p.client.get();
  Group* parent = p.group.get();
  const uint32_t world = p.world;
  const uint32_t rank = p.rank;
  const std::chrono::milliseconds timeout = p.timeout;
  SubgroupOptions options;
  options.timeout = timeout;
  int failed = 0;
  auto step = [&](const std::string& name, std::unique_ptr<Group>& sub, auto make,
                  const std::vector<uint32_t>& members, uint32_t parent_rank) {
    Outcome o = Attempt([&] { sub = make(); });
    if (o.code == "OK") {
      const Outcome checked = Check(*client, sub.get(), parent_rank, members);
      o.code = checked.code;
      o.message = checked.message;
    }
    Report(name, o, sub.get());
    failed += o.code != "OK";
  };

  std::vector<uint32_t> same_parity;
  for (uint32_t r = world; r-- > 0;) {
    if (r % 2 == rank % 2) same_parity.push_back(r);
  }
  std::unique_ptr<Group> split;
  step(
      "split", split,
      [&] {
        return parent->Split(static_cast<int32_t>(rank % 2), -static_cast<int32_t>(rank),
                             options);
      },
      same_parity, rank);

  std::vector<uint32_t> pair = {world - 1, 0};
  if (world == 1) pair = {0};
  std::unique_ptr<Group> subgroup;
  step("subgroup", subgroup, [&] { return parent->NewSubgroup(pair, options); }, pair, rank);

  std::unique_ptr<Group> nested;
  if (split) {
    std::vector<uint32_t> all;
    for (uint32_t r = 0; r < split->size(); ++r) all.push_back(r);
    // In the split group, member m adds its split rank + 1.
    step("nested", nested, [&] { return split->Split(0, 0, options); }, all, split->rank());
  }

  std::unique_ptr<Group> single;
  step("single", single,
       [&] { return parent->Split(rank == 0 ? 0 : -1, 0, options); },
       std::vector<uint32_t>{0}, rank);

  parent->Barrier();  // nobody leaves while others still check
  return failed == 0 ? 0 : 1;
}

int RunModelParallel(const Args& args) {
  Parent p = JoinParent(args, "model-parallel");
  Client* client = p.client.get();
  const uint32_t rank = p.rank;
  ParallelSizes sizes;
  sizes.tensor = static_cast<uint32_t>(args.U64("tensor", 2));
  sizes.pipeline = static_cast<uint32_t>(args.U64("pipeline", 2));
  sizes.data = static_cast<uint32_t>(args.U64("data", 2));
  const ModelParallelLayout layout = InitializeModelParallel(p.world, sizes);
  ModelParallelGroups groups;
  // --by-name: one rendezvous round per group (JoinModelParallelGroups),
  // for comparison; else subgroups of the parent.
  const bool by_name = args.Has("by-name");
  p.group->Barrier();  // time the layout alone, all ranks starting together
  Outcome o = Attempt([&] {
    groups = by_name ? JoinModelParallelGroups(*p.client, layout, rank, args.Str("group"),
                                               p.timeout)
                     : SplitModelParallelGroups(*p.group, layout, p.timeout);
  });
  PrintResult("layout", o, {{"by_name", by_name ? "1" : "0"}});
  if (o.code != "OK") return 1;
  int failed = 0;
  const std::pair<ParallelKind, Group*> kinds[] = {
      {ParallelKind::kTensor, groups.tp.get()},  {ParallelKind::kDecodeContext, groups.dcp.get()},
      {ParallelKind::kPrefillContext, groups.pcp.get()}, {ParallelKind::kPipeline, groups.pp.get()},
      {ParallelKind::kData, groups.dp.get()},    {ParallelKind::kExpert, groups.ep.get()}};
  for (const auto& [kind, group] : kinds) {
    const RankGroups& all = layout.groups(kind);
    const std::vector<uint32_t> members = all[GroupIndexOf(all, rank)];
    Outcome checked = Check(*client, group, rank, members);
    Report(std::string(ParallelKindName(kind)), checked, group);
    failed += checked.code != "OK";
  }
  p.group->Barrier();
  return failed == 0 ? 0 : 1;
}

}  // namespace ccs::it
