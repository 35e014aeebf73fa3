// ParseRendezvousAddress: the `--rendezvous ccs://HOST:PORT` syntax.
#include "daemon/rendezvous/address.h"

#include <catch2/catch.hpp>

namespace ccs::rendezvous {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("Well-formed rendezvous addresses parse and print back") {
  struct Case {
    const char* text;
    const char* host;
    uint16_t port;
    const char* target;
  };
  const Case cases[] = {
      {"ccs://node0:29500", "node0", 29500, "node0:29500"},
      {"ccs://10.1.2.3:1", "10.1.2.3", 1, "10.1.2.3:1"},
      {"ccs://rack-7_gpu.example.com:65535", "rack-7_gpu.example.com", 65535,
       "rack-7_gpu.example.com:65535"},
      {"ccs://[::1]:7070", "::1", 7070, "[::1]:7070"},
      {"ccs://[fd00::a:1]:80", "fd00::a:1", 80, "[fd00::a:1]:80"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    StatusOr<RendezvousAddress> a = ParseRendezvousAddress(c.text);
    REQUIRE(a.ok());
    CHECK(a->host == c.host);
    CHECK(a->port == c.port);
    CHECK(a->GrpcTarget() == c.target);
    CHECK(a->ToString() == c.text);
  }
}

TEST_CASE(
    "Malformed rendezvous addresses are INVALID_ARGUMENT naming the text and the form") {
  const char* bad[] = {
      "",
      "node0:29500",              // no scheme
      "http://node0:29500",       // wrong scheme
      "ccs://",                   // nothing
      "ccs://node0",              // no port
      "ccs://:29500",             // no host
      "ccs://node0:",             // empty port
      "ccs://node0:0",            // port 0
      "ccs://node0:65536",        // port too large
      "ccs://node0:-1",           // sign
      "ccs://node0:+80",          // sign
      "ccs://node0:8o",           // not a number
      "ccs://node0:80/path",      // trailing path
      "ccs://user@node0:80",      // userinfo
      "ccs://no de:80",           // space
      "ccs://::1:80",             // IPv6 without brackets
      "ccs://[::1:80",            // unclosed bracket
      "ccs://[::1]80",            // no colon after bracket
      "ccs://[]:80",              // empty IPv6
      "ccs://[fe80::1%eth0]:80",  // zone ids are not supported
  };
  for (const char* text : bad) {
    INFO(text);
    StatusOr<RendezvousAddress> a = ParseRendezvousAddress(text);
    REQUIRE(a.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(a.status().message(), Contains("'" + std::string(text) + "'"));
    CHECK_THAT(a.status().message(), Contains("ccs://HOST:PORT"));
  }
}

}  // namespace
}  // namespace ccs::rendezvous
