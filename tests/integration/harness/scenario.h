// Driver-side helpers for ccs-test-rank scenarios: argument lists and
// assertions on their RESULT lines. Uses Catch2 assertions, so call these
// only from inside a TEST_CASE.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"

namespace ccs::it {

// {scenario, --addr, A, --group, G, --world, N, --rank, R, extra...}
std::vector<std::string> RankArgs(const std::string& scenario,
                                  const DaemonProcess& daemon, const std::string& group,
                                  uint32_t world, uint32_t rank,
                                  const std::vector<std::string>& extra = {});

// Waits for every worker (REQUIRE: each exits 0) and returns the results.
std::vector<RankResult> RequireAllExitOk(
    RankProcesses& ranks, std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The RESULT line of `step` in r's output; REQUIREs that it exists.
ResultLine RequireStep(const RankResult& r, const std::string& step);

// REQUIREs that `step` of `r` ended with `code` (e.g. "OK", "ABORTED"),
// showing the worker's whole output if not.
ResultLine RequireCode(const RankResult& r, const std::string& step,
                       const std::string& code);

// REQUIREs that `step` of `r` ended with one of `codes`.
ResultLine RequireCodeIn(const RankResult& r, const std::string& step,
                         const std::vector<std::string>& codes);

// Polls `ccsctl describe group` until `joined` ranks of `group` have joined
// (REQUIRE, 10 s), so that a later joiner is known to come after them.
void RequireJoined(const DaemonProcess& daemon, const std::string& group, int64_t joined);

// Polls `ccsctl describe group` until an in-flight op of `group` lists
// `arrived` ranks (REQUIRE, 10 s): they are known to wait inside it.
void RequireArrived(const DaemonProcess& daemon, const std::string& group,
                    size_t arrived);

}  // namespace ccs::it
