#include "harness/netns_lab.h"

#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "harness/subprocess.h"

namespace ccs::it {
namespace {

using Strings = std::vector<std::string>;

CommandResult Ip(const Strings& args) {
  Strings argv = {"/usr/sbin/ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, std::chrono::seconds(10));
}

void MustIp(const Strings& args) {
  CommandResult r = Ip(args);
  if (r.status.ok()) return;
  std::string cmd = "ip";
  for (const auto& a : args) cmd += " " + a;
  throw std::runtime_error(cmd + ": " + r.status.Describe() + ": " + r.err + r.out);
}

}  // namespace

std::string NetnsLab::Unavailable() {
  if (::geteuid() != 0) return "not root: network namespaces need CAP_SYS_ADMIN";
  if (::access("/usr/sbin/ip", X_OK) != 0) return "/usr/sbin/ip (iproute2) is missing";
  const std::string probe = "ccsit-probe-" + std::to_string(::getpid());
  CommandResult r = Ip({"netns", "add", probe});
  if (!r.status.ok()) return "cannot create a network namespace: " + r.err;
  Ip({"netns", "del", probe});
  return "";
}

NetnsLab::NetnsLab(size_t nodes) : tag_(std::to_string(::getpid() % 100000)) {
  switch_ns_ = "ccsit-" + tag_ + "-sw";
  try {
    MustIp({"netns", "add", switch_ns_});
    MustIp({"-n", switch_ns_, "link", "add", "br0", "type", "bridge"});
    MustIp({"-n", switch_ns_, "link", "set", "br0", "up"});
    for (size_t k = 0; k < nodes; ++k) {
      const std::string ns = "ccsit-" + tag_ + "-n" + std::to_string(k);
      MustIp({"netns", "add", ns});
      ns_.push_back(ns);
      const std::string side = "s" + std::to_string(k);  // in the switch
      MustIp({"-n", switch_ns_, "link", "add", side, "type", "veth", "peer", "name", "eth0",
              "netns", ns});
      MustIp({"-n", switch_ns_, "link", "set", side, "master", "br0"});
      MustIp({"-n", switch_ns_, "link", "set", side, "up"});
      MustIp({"-n", ns, "addr", "add", address(k) + "/24", "dev", "eth0"});
      MustIp({"-n", ns, "link", "set", "eth0", "up"});
      MustIp({"-n", ns, "link", "set", "lo", "up"});
    }
  } catch (...) {
    this->~NetnsLab();
    throw;
  }
}

NetnsLab::~NetnsLab() {
  for (const auto& ns : ns_) Ip({"netns", "del", ns});
  ns_.clear();
  if (!switch_ns_.empty()) Ip({"netns", "del", switch_ns_});
  switch_ns_.clear();
}

std::vector<std::string> NetnsLab::Exec(size_t k) const {
  return {"/usr/sbin/ip", "netns", "exec", ns(k)};
}

void NetnsLab::Cut(size_t k) {
  MustIp({"-n", switch_ns_, "link", "set", "s" + std::to_string(k), "down"});
}

}  // namespace ccs::it
