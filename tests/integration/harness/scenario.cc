#include "harness/scenario.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "harness/ctl.h"

namespace ccs::it {

std::vector<std::string> RankArgs(const std::string& scenario,
                                  const DaemonProcess& daemon, const std::string& group,
                                  uint32_t world, uint32_t rank,
                                  const std::vector<std::string>& extra) {
  std::vector<std::string> args = {scenario,
                                   "--addr",
                                   daemon.address(),
                                   "--group",
                                   group,
                                   "--world",
                                   std::to_string(world),
                                   "--rank",
                                   std::to_string(rank)};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<RankResult> RequireAllExitOk(RankProcesses& ranks,
                                         std::chrono::milliseconds timeout) {
  auto results = ranks.WaitAll(timeout);
  std::string failure = FirstFailure(results);
  INFO(failure);
  REQUIRE(failure.empty());
  return results;
}

ResultLine RequireStep(const RankResult& r, const std::string& step) {
  ResultLine line = FindStep(r.out, step);
  INFO("no RESULT line for step '" << step << "' in\n" << Describe(r));
  REQUIRE(!line.empty());
  return line;
}

ResultLine RequireCode(const RankResult& r, const std::string& step,
                       const std::string& code) {
  return RequireCodeIn(r, step, {code});
}

ResultLine RequireCodeIn(const RankResult& r, const std::string& step,
                         const std::vector<std::string>& codes) {
  ResultLine line = RequireStep(r, step);
  std::string wanted;
  for (const auto& c : codes) wanted += (wanted.empty() ? "" : " or ") + c;
  INFO("step '" << step << "' should end with " << wanted << "; worker:\n"
                << Describe(r));
  REQUIRE(std::find(codes.begin(), codes.end(), Get(line, "code")) != codes.end());
  return line;
}

void RequireJoined(const DaemonProcess& daemon, const std::string& group,
                   int64_t joined) {
  GroupDescription last;
  bool ok = PollUntil(
      [&] {
        last = DescribeGroup(daemon, group);
        return last.ok && last.joined >= joined;
      },
      std::chrono::seconds(10));
  INFO("waiting for " << joined << " joined rank(s) of " << group << ": "
                      << (last.ok ? last.json.dump() : last.error));
  REQUIRE(ok);
}

void RequireArrived(const DaemonProcess& daemon, const std::string& group,
                    size_t arrived) {
  GroupDescription last;
  bool ok = PollUntil(
      [&] {
        last = DescribeGroup(daemon, group);
        if (!last.ok || !last.json.contains("in_flight")) return false;
        for (const auto& op : last.json["in_flight"]) {
          if (op.contains("arrived_ranks") && op["arrived_ranks"].size() >= arrived) {
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(10));
  INFO("waiting for " << arrived << " ranks in an in-flight op of " << group << ": "
                      << (last.ok ? last.json.dump() : last.error));
  REQUIRE(ok);
}

}  // namespace ccs::it
