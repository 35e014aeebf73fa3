// ccsctl's inspection across nodes: two ccsd on loopback serve a 4-rank
// group, one rank never calls its all_reduce, and `ccsctl describe group`
// on either daemon names that rank, its node and its pid (the daemon asks
// the other node). Also: a cross-node send nobody receives, get nodes, get
// ops, describe session, -o yaml, --watch, and a node that does not answer.
#include <signal.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "harness/cluster_processes.h"
#include "harness/ctl.h"
#include "harness/rank_processes.h"
#include "harness/result_lines.h"
#include "harness/scenario.h"

namespace ccs::it {
namespace {

// `ccsctl ARGS -o json` on `daemon`, parsed; REQUIREs success.
nlohmann::json CtlJson(const DaemonProcess& daemon, std::vector<std::string> args) {
  args.insert(args.end(), {"-o", "json"});
  CommandResult r = daemon.Ctl(args);
  INFO("ccsctl " << args[0] << ": " << r.status.Describe() << "\nstdout: " << r.out
                 << "\nstderr: " << r.err);
  REQUIRE(r.status.ok());
  return nlohmann::json::parse(r.out);
}

std::vector<uint32_t> Ranks(const nlohmann::json& list) {
  return list.get<std::vector<uint32_t>>();
}

// The first in-flight collective of a "Group" document, or null.
const nlohmann::json* OldestCollective(const nlohmann::json& doc) {
  for (const auto& op : doc["in_flight"]) {
    if (op["collective"] != "send" && op["collective"] != "recv") return &op;
  }
  return nullptr;
}

// Text lines of `text` that contain every one of `words`.
bool HasLineWith(const std::string& text, const std::vector<std::string>& words) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    bool all = true;
    for (const auto& w : words) all = all && line.find(w) != std::string::npos;
    if (all) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

TEST_CASE("describe group names the rank that never called, its node and pid, across nodes",
          "[inspection][multinode]") {
  ClusterProcesses cluster([] {
    ClusterOptions o;
    o.nodes = 2;
    o.extra_args = {"--op-timeout-ms", "120000"};
    return o;
  }());
  RankProcesses ranks;
  // Ranks 0-1 on n0 and 2 on n1 call all_reduce; rank 3 on n1 joins and
  // never calls.
  std::vector<size_t> callers;
  for (uint32_t r = 0; r < 3; ++r) {
    callers.push_back(ranks.Start(RankArgs("call", cluster.node(r / 2), "g", 4, r,
                                           {"--kind", "all_reduce", "--count", "1024",
                                            "--announce", "--timeout-ms", "120000"})));
  }
  const size_t idle = ranks.Start(RankArgs("join", cluster.node(1), "g", 4, 3, {"--hold"}));
  REQUIRE(ranks.WaitForOutput(idle, "HOLDING", std::chrono::seconds(30)));
  for (size_t i : callers) REQUIRE(ranks.WaitForOutput(i, "CALLING", std::chrono::seconds(30)));
  const auto idle_pid = static_cast<int64_t>(ranks.pid(idle));

  // Both daemons see the whole group once n1's rank 2 arrived: arrived 0-2,
  // missing 3.
  for (size_t k = 0; k < 2; ++k) {
    DYNAMIC_SECTION("asking n" << k) {
      nlohmann::json doc;
      const bool seen = PollUntil(
          [&] {
            doc = CtlJson(cluster.node(k), {"describe", "group", "g"});
            const nlohmann::json* op = OldestCollective(doc);
            return op != nullptr && (*op)["arrived_ranks"].size() == 3;
          },
          std::chrono::seconds(20));
      INFO(doc.dump(2));
      REQUIRE(seen);
      const nlohmann::json& op = *OldestCollective(doc);
      CHECK(op["collective"] == "all_reduce");
      CHECK(Ranks(op["arrived_ranks"]) == std::vector<uint32_t>{0, 1, 2});
      CHECK(Ranks(op["missing_ranks"]) == std::vector<uint32_t>{3});
      CHECK(op["unknown_ranks"].empty());
      CHECK(op["arrivals"].size() == 3);
      const nlohmann::json& missing = doc["members"][3];
      CHECK(missing["rank"] == 3);
      CHECK(missing["node"] == "n1");
      CHECK(missing["pid"] == idle_pid);
      CHECK(missing["remote"] == false);
      CHECK(missing["last_completed_seq"] == 0);
      CHECK(doc["members"][0]["node"] == "n0");
      REQUIRE(doc["nodes"].size() == 2);
      for (const auto& node : doc["nodes"]) CHECK(node["answered"] == true);
      CHECK(doc["nodes"][k]["self"] == true);

      // The human form says the same.
      CommandResult text = cluster.node(k).Ctl({"describe", "group", "g"});
      INFO(text.out);
      REQUIRE(text.status.ok());
      CHECK(text.out.find("missing rank 3") != std::string::npos);
      CHECK(HasLineWith(text.out, {"3 ", "n1", std::to_string(idle_pid), "NO"}));
    }
  }

  SECTION("get ops, get nodes, describe session, yaml and watch") {
    // n1's own view: rank 2 arrived there, its rank 3 missing.
    nlohmann::json ops;
    REQUIRE(PollUntil(
        [&] {
          ops = CtlJson(cluster.node(1), {"get", "ops"});
          return ops["ops"].size() == 1 && ops["ops"][0]["op"]["missing_ranks"].size() == 1;
        },
        std::chrono::seconds(20)));
    CHECK(ops["kind"] == "OpList");
    CHECK(ops["ops"][0]["group"] == "g");
    CHECK(Ranks(ops["ops"][0]["op"]["missing_ranks"]) == std::vector<uint32_t>{3});

    nlohmann::json nodes = CtlJson(cluster.node(0), {"get", "nodes"});
    INFO(nodes.dump(2));
    REQUIRE(nodes["nodes"].size() == 2);
    CHECK(nodes["nodes"][0]["self"] == true);
    CHECK(nodes["nodes"][0]["name"] == "n0");
    CHECK(nodes["nodes"][0]["rendezvous_root"] == true);
    CHECK(nodes["nodes"][1]["name"] == "n1");
    CHECK(nodes["nodes"][1]["reachable"] == true);
    CHECK(nodes["nodes"][1]["groups"] == nlohmann::json::array({"g"}));

    // The session of rank 3 on n1.
    int64_t session = -1;
    nlohmann::json sessions;
    const bool listed = PollUntil(
        [&] {
          sessions = CtlJson(cluster.node(1), {"get", "sessions"});
          for (const auto& s : sessions["sessions"]) {
            if (s["pid"] == idle_pid) session = s["session_id"].get<int64_t>();
          }
          return session > 0;
        },
        std::chrono::seconds(10));
    INFO(sessions.dump(2) << "\nrank 3 pid " << idle_pid);
    REQUIRE(listed);
    nlohmann::json detail =
        CtlJson(cluster.node(1), {"describe", "session", std::to_string(session)});
    INFO(detail.dump(2));
    CHECK(detail["kind"] == "Session");
    REQUIRE(detail["ranks"].size() == 1);
    CHECK(detail["ranks"][0]["group"] == "g");
    CHECK(detail["ranks"][0]["rank"] == 3);
    REQUIRE(detail["ops"].size() == 1);
    CHECK(Ranks(detail["ops"][0]["op"]["missing_ranks"]) == std::vector<uint32_t>{3});
    CommandResult unknown = cluster.node(1).Ctl({"describe", "session", "999999"});
    CHECK(unknown.status.exited);
    CHECK(unknown.status.code == 3);  // not found

    CommandResult yaml = cluster.node(0).Ctl({"describe", "group", "g", "-o", "yaml"});
    REQUIRE(yaml.status.ok());
    CHECK(yaml.out.find("api_version: ccs.v1") != std::string::npos);
    CHECK(yaml.out.find("kind: Group") != std::string::npos);

    // --watch prints once (nothing changes but the waiting times) and stops
    // at its limit.
    CommandResult watch = cluster.node(0).Ctl(
        {"get", "groups", "--watch", "--interval", "0.1", "--watch-limit", "1", "-o", "json"});
    REQUIRE(watch.status.ok());
    CHECK(nlohmann::json::parse(watch.out)["kind"] == "GroupList");
  }

  SECTION("a node that does not answer is named, its ranks unknown") {
    cluster.node(1).Signal(SIGSTOP);
    CommandResult r = cluster.node(0).Ctl({"describe", "group", "g", "-o", "json"});
    cluster.node(1).Signal(SIGCONT);
    INFO(r.out << r.err);
    REQUIRE(r.status.ok());
    const nlohmann::json doc = nlohmann::json::parse(r.out);
    REQUIRE(doc["nodes"].size() == 2);
    CHECK(doc["nodes"][1]["answered"] == false);
    CHECK(doc["nodes"][1]["error"].get<std::string>().find("DEADLINE_EXCEEDED") !=
          std::string::npos);
    const nlohmann::json* op = OldestCollective(doc);
    REQUIRE(op != nullptr);
    CHECK(Ranks((*op)["arrived_ranks"]) == std::vector<uint32_t>{0, 1});
    CHECK(Ranks((*op)["unknown_ranks"]) == std::vector<uint32_t>{2, 3});
    CHECK(doc["members"][3]["remote"] == true);
  }
}

TEST_CASE("describe group names the receiver that never called a cross-node send",
          "[inspection][multinode]") {
  ClusterOptions options;
  options.nodes = 2;
  options.extra_args = {"--op-timeout-ms", "120000"};
  ClusterProcesses cluster(options);
  RankProcesses ranks;
  const size_t sender = ranks.Start(RankArgs(
      "call", cluster.node(0), "p2p", 2, 0,
      {"--kind", "send", "--peer", "1", "--count", "64", "--announce", "--timeout-ms", "120000"}));
  const size_t idle = ranks.Start(RankArgs("join", cluster.node(1), "p2p", 2, 1, {"--hold"}));
  REQUIRE(ranks.WaitForOutput(idle, "HOLDING", std::chrono::seconds(30)));
  REQUIRE(ranks.WaitForOutput(sender, "CALLING", std::chrono::seconds(30)));
  for (size_t k = 0; k < 2; ++k) {
    nlohmann::json doc;
    const bool seen = PollUntil(
        [&] {
          doc = CtlJson(cluster.node(k), {"describe", "group", "p2p"});
          return !doc["in_flight"].empty();
        },
        std::chrono::seconds(20));
    INFO("asking n" << k << ": " << doc.dump(2));
    REQUIRE(seen);
    REQUIRE(doc["in_flight"].size() == 1);
    const nlohmann::json& op = doc["in_flight"][0];
    CHECK(op["collective"] == "send");
    CHECK(Ranks(op["arrived_ranks"]) == std::vector<uint32_t>{0});
    CHECK(Ranks(op["missing_ranks"]) == std::vector<uint32_t>{1});
    CHECK(op["unknown_ranks"].empty());
    CHECK(doc["members"][1]["pid"] == static_cast<int64_t>(ranks.pid(idle)));
  }
}

}  // namespace ccs::it
