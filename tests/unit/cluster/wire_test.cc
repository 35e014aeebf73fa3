#include <catch2/catch.hpp>

#include "daemon/cluster/wire.h"

namespace ccs::cluster {

TEST_CASE("rank records survive the store's text form", "[cluster]") {
  RankRecord r{"node-1", "10.0.0.1:7070", 4242, 77};
  auto back = DecodeRecord(EncodeRecord(r));
  REQUIRE(back.has_value());
  CHECK(back->node == r.node);
  CHECK(back->peer_address == r.peer_address);
  CHECK(back->pid == 4242);
  CHECK(back->session_id == 77);
  CHECK_FALSE(back->gpu_named);
  r.gpu_named = true;
  back = DecodeRecord(EncodeRecord(r));
  REQUIRE(back.has_value());
  CHECK(back->gpu_named);
  CHECK_FALSE(DecodeRecord("node\naddr\n1\n1\nmaybe").has_value());
  CHECK_FALSE(DecodeRecord("node\naddr\nnot-a-pid\n1\n-").has_value());
  CHECK_FALSE(DecodeRecord("too\nfew").has_value());
}

TEST_CASE("statuses survive the store's text form", "[cluster]") {
  CHECK(EncodeStatus(Status::Ok()) == "ok");
  CHECK(DecodeStatus("ok").ok());
  Status s = DeadlineExceeded("ranks [3] never joined\nsecond line");
  Status back = DecodeStatus(EncodeStatus(s));
  CHECK(back.code() == StatusCode::kDeadlineExceeded);
  CHECK(back.message() == s.message());
  CHECK(DecodeStatus("garbage").code() == StatusCode::kInternal);
}

TEST_CASE("group keys are per name and per epoch", "[cluster]") {
  GroupKeys k{"tp/0"};
  CHECK(k.Round() == "ccs/groups/tp/0/round");
  CHECK(k.Epoch(3, "rank/1") == "ccs/groups/tp/0/3/rank/1");
}

}  // namespace ccs::cluster
