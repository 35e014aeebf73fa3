#include "daemon/meta/object_header.h"

#include <catch2/catch.hpp>

namespace ccs::meta {

using Catch::Matchers::Contains;

TEST_CASE("object headers round-trip through their text form", "[meta]") {
  const ObjectHeader cases[] = {
      {ObjectKind::kBroadcast, 2, {}},
      {ObjectKind::kBroadcast, 0, {0}},
      {ObjectKind::kAllGather, 0, {12345678901ULL}},
      {ObjectKind::kScatter, 3, {1, 0, 5, 7}},
      {ObjectKind::kSend, 0, {9}},
  };
  for (const ObjectHeader& h : cases) {
    std::optional<ObjectHeader> back = DecodeHeader(EncodeHeader(h));
    REQUIRE(back);
    CHECK(back->kind == h.kind);
    CHECK(back->root == h.root);
    CHECK(back->sizes == h.sizes);
  }
}

TEST_CASE("malformed object headers are refused", "[meta]") {
  for (const char* text :
       {"", "0", "0 1", "9 0 ", "x 0 ", "0 y ", "0 0 1,", "0 0 ,1", "0 0 a"}) {
    INFO(text);
    CHECK_FALSE(DecodeHeader(text));
  }
}

TEST_CASE("object calls match on kind and root and name both ranks otherwise", "[meta]") {
  const ObjectHeader bcast0{ObjectKind::kBroadcast, 0, {10}};
  const ObjectHeader bcast0_receiver{ObjectKind::kBroadcast, 0, {}};
  const ObjectHeader bcast1{ObjectKind::kBroadcast, 1, {}};
  const ObjectHeader gather{ObjectKind::kAllGather, 0, {3}};
  CHECK(ObjectMismatch(bcast0, 0, bcast0_receiver, 1).empty());
  const std::string root = ObjectMismatch(bcast0, 0, bcast1, 2);
  CHECK_THAT(root, Contains("rank 0 called broadcast_object(root 0)"));
  CHECK_THAT(root, Contains("rank 2 called broadcast_object(root 1)"));
  const std::string kind = ObjectMismatch(gather, 1, bcast0, 3);
  CHECK_THAT(kind, Contains("rank 1 called all_gather_object"));
  CHECK_THAT(kind, Contains("rank 3 called broadcast_object(root 0)"));
}

TEST_CASE("total payload bytes saturate instead of wrapping", "[meta]") {
  CHECK(TotalBytes({}) == 0);
  CHECK(TotalBytes({1, 2, 3}) == 6);
  CHECK(TotalBytes({UINT64_MAX, 1}) == UINT64_MAX);
}

}  // namespace ccs::meta
