// Stream order and the CUDA environment as a real ccsd on this machine
// reports them. CI has no GPU, so ccsd refuses stream registration: with
// FAILED_PRECONDITION naming the missing device in a CUDA build, with
// UNIMPLEMENTED naming the build in one without (CCS_TEST_DAEMON_CUDA says
// which was built). `ccsctl version` shows the NCCL version ccsd logged.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/daemon_process.h"
#include "harness/test_env.h"

namespace ccs::it {
namespace {

// The probe's RESULT line.
std::string ProbeResult(const DaemonProcess& daemon) {
  CommandResult r = RunCommand({RequireEnv("CCS_TEST_STREAM_PROBE"), daemon.address()},
                               std::chrono::seconds(20));
  INFO("probe: " << r.status.Describe() << "\nstdout: " << r.out
                 << "\nstderr: " << r.err);
  REQUIRE(r.status.ok());
  const size_t at = r.out.find("RESULT ");
  REQUIRE(at != std::string::npos);
  return r.out.substr(at, r.out.find('\n', at) - at);
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a ccsd without a usable GPU refuses stream registration, saying why",
          "[streams]") {
  DaemonProcess daemon;
  const std::string result = ProbeResult(daemon);
  INFO(result);
  CHECK(Has(result, "stream on GPU-5e000000-0000-0000-0000-000000000001 refused"));
#if CCS_TEST_DAEMON_CUDA
  CHECK(Has(result, "RESULT status=FAILED_PRECONDITION "));
  CHECK(Has(result, "no usable CUDA device"));
#else
  CHECK(Has(result, "RESULT status=UNIMPLEMENTED "));
  CHECK(Has(result, "built without CUDA"));
#endif
  // The refusal ends nothing: the daemon keeps serving.
  CHECK(daemon.Running());
  CHECK(daemon.Ctl({"get", "sessions"}).status.ok());
}

TEST_CASE("ccsctl version shows the NCCL version ccsd loaded", "[streams][version]") {
  DaemonProcess daemon;
  CommandResult json = daemon.Ctl({"version", "-o", "json"});
  INFO("ccsctl: " << json.status.Describe() << "\nstdout: " << json.out
                  << "\nstderr: " << json.err);
  REQUIRE(json.status.ok());
  const nlohmann::json doc = nlohmann::json::parse(json.out);
  REQUIRE(doc["daemon"].contains("nccl_version"));
  REQUIRE(doc["daemon"]["nccl_version"].is_string());
  const std::string version = doc["daemon"]["nccl_version"];
  const std::string log = daemon.Log();
  CommandResult table = daemon.Ctl({"version"});
  REQUIRE(table.status.ok());
  INFO("table: " << table.out);
#if CCS_TEST_DAEMON_CUDA
  if (version.empty()) {
    CHECK(Has(log, "NCCL unavailable"));
  } else {
    CHECK(Has(log, "NCCL " + version + " loaded from"));
  }
#else
  CHECK(version.empty());
#endif
  CHECK(Has(table.out, "NCCL:"));
  CHECK(Has(table.out, version.empty() ? "not loaded" : version));
  CommandResult yaml = daemon.Ctl({"version", "-o", "yaml"});
  REQUIRE(yaml.status.ok());
  CHECK(Has(yaml.out, "nccl_version:"));
}

TEST_CASE("ccsctl version says NCCL is not loaded when ccsd could not load it",
          "[streams][version]") {
  DaemonProcess daemon(WithFlags({"--nccl-library", "/nonexistent/libnccl.so.2"}));
  CommandResult json = daemon.Ctl({"version", "-o", "json"});
  REQUIRE(json.status.ok());
  const nlohmann::json doc = nlohmann::json::parse(json.out);
  CHECK(doc["daemon"]["nccl_version"] == "");
  CommandResult table = daemon.Ctl({"version"});
  REQUIRE(table.status.ok());
  INFO("table: " << table.out);
  CHECK(Has(table.out, "NCCL:"));
  CHECK(Has(table.out, "not loaded"));
}

}  // namespace ccs::it
