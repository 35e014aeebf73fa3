#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <string>

#include "ccs/client.h"
#include "ccs/error.h"
#include "ccs/inspector.h"
#include "client/src/channel.h"

namespace ccs {
namespace {

using std::chrono::milliseconds;

TEST_CASE("a bare socket path is dialled as a unix: target", "[connect]") {
  REQUIRE(rpc::NormalizeAddress("/run/ccs/ccs.sock") == "unix:///run/ccs/ccs.sock");
  REQUIRE(rpc::NormalizeAddress("unix:///x.sock") == "unix:///x.sock");
  REQUIRE(rpc::NormalizeAddress("unix:/x.sock") == "unix:/x.sock");
  REQUIRE(rpc::NormalizeAddress("localhost:5000") == "localhost:5000");
}

TEST_CASE("the default address is $CCS_ADDRESS, else the system socket", "[connect]") {
  unsetenv("CCS_ADDRESS");
  REQUIRE(DefaultAddress() == "unix:///run/ccs/ccs.sock");
  setenv("CCS_ADDRESS", "unix:///tmp/elsewhere.sock", 1);
  REQUIRE(DefaultAddress() == "unix:///tmp/elsewhere.sock");
  unsetenv("CCS_ADDRESS");
}

TEST_CASE(
    "connecting where no daemon runs fails fast with UNAVAILABLE naming the "
    "socket",
    "[connect]") {
  const std::string path = "/tmp/ccs-client-test-" + std::to_string(getpid()) + ".sock";
  ClientOptions options;
  options.address = path;
  options.connect_timeout = milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  try {
    Client::Connect(options);
    FAIL("expected an error");
  } catch (const Error& e) {
    REQUIRE(e.code() == Code::kUnavailable);
    REQUIRE_THAT(e.message(), Catch::Contains(path));
    REQUIRE_THAT(e.message(), Catch::Contains("No such file or directory"));
  }
  REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("a socket nobody accepts on is reported as unreachable", "[connect]") {
  // Bound but not listening: connect() is refused.
  const std::string path = "/tmp/ccs-client-test-" + std::to_string(getpid()) + "-b.sock";
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  unlink(path.c_str());
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  try {
    Inspector::Connect(InspectorOptions{"unix://" + path, milliseconds(300)});
    FAIL("expected an error");
  } catch (const Error& e) {
    REQUIRE(e.code() == Code::kUnavailable);
    REQUIRE_THAT(e.message(), Catch::Contains(path));
  }
  close(fd);
  unlink(path.c_str());
}

}  // namespace
}  // namespace ccs
