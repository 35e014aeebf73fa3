#include "daemon/meta/object_keys.h"

#include <catch2/catch.hpp>

#include "daemon/cluster/wire.h"

namespace ccs::meta {

TEST_CASE("metadata keys live under the group epoch's formation namespace", "[meta]") {
  const MetaKeys keys("tp0", 3);
  const cluster::GroupKeys formation{"tp0"};
  CHECK(keys.base() == "ccs/groups/tp0/3");
  CHECK(keys.Broken() == formation.Epoch(3, "broken"));
  CHECK(keys.Header(7, 2) == formation.Epoch(3, "obj/7/2"));
  CHECK(keys.Chunk(7, 2, 1, 4) == "ccs/groups/tp0/3/obj/7/2/1/4");
  CHECK(keys.Done(7) == "ccs/groups/tp0/3/obj/7/done");
  CHECK(keys.P2pHeader(0, 1, 5) == "ccs/groups/tp0/3/p2p/0-1/5");
  CHECK(keys.P2pChunk(0, 1, 5, 0) == "ccs/groups/tp0/3/p2p/0-1/5/0");
  CHECK(keys.Kv("a/b") == "ccs/groups/tp0/3/kv/a/b");
}

TEST_CASE("epochs and groups never share metadata keys", "[meta]") {
  CHECK(MetaKeys("g", 1).Kv("k") != MetaKeys("g", 2).Kv("k"));
  CHECK(MetaKeys("g", 1).Header(1, 0) != MetaKeys("h", 1).Header(1, 0));
  // The done counter of op n cannot collide with a rank's header.
  CHECK(MetaKeys("g", 1).Done(1) != MetaKeys("g", 1).Header(1, 0));
}

}  // namespace ccs::meta
