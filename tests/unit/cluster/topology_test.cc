#include <catch2/catch.hpp>

#include "daemon/core/cluster.h"

namespace ccs {
namespace {

RankRecord On(const std::string& node) { return RankRecord{node, node + ":7070", 1, 1}; }

}  // namespace

TEST_CASE("BuildTopology orders nodes by their lowest rank", "[cluster]") {
  auto t = BuildTopology({On("b"), On("b"), On("a"), On("a")}, "a");
  REQUIRE(t.ok());
  CHECK(t.value().nodes == std::vector<std::string>{"b", "a"});
  CHECK(t.value().self == 1);
  CHECK(t.value().local() == std::vector<uint32_t>{2, 3});
  CHECK(t.value().node_of == std::vector<uint32_t>{0, 0, 1, 1});
  CHECK(t.value().contiguous);
  CHECK(t.value().multi_node());
}

TEST_CASE("BuildTopology sees interleaved ranks as not contiguous", "[cluster]") {
  auto t = BuildTopology({On("a"), On("b"), On("a"), On("b")}, "b");
  REQUIRE(t.ok());
  CHECK_FALSE(t.value().contiguous);
  CHECK(t.value().local() == std::vector<uint32_t>{1, 3});
  CHECK(t.value().node_ranks[0] == std::vector<uint32_t>{0, 2});
}

TEST_CASE("BuildTopology with one node is not multi-node", "[cluster]") {
  auto t = BuildTopology({On("a"), On("a")}, "a");
  REQUIRE(t.ok());
  CHECK_FALSE(t.value().multi_node());
}

TEST_CASE("BuildTopology refuses two daemons with one node name", "[cluster]") {
  RankRecord other = On("a");
  other.peer_address = "10.0.0.9:7070";
  auto t = BuildTopology({On("a"), other}, "a");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == StatusCode::kInvalidArgument);
  CHECK(t.status().message().find("node_name") != std::string::npos);
}

TEST_CASE("BuildTopology refuses a node that serves no rank", "[cluster]") {
  auto t = BuildTopology({On("a")}, "z");
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("'z'") != std::string::npos);
}

}  // namespace ccs
