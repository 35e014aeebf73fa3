#include "daemon/core/call.h"

#include <catch2/catch.hpp>

namespace ccs {
namespace {

CollectiveCall Call(CollectiveKind kind, uint64_t count) {
  CollectiveCall c;
  c.kind = kind;
  c.count = count;
  c.send = BufferRefValue{1, 0};
  c.recv = BufferRefValue{2, 0};
  return c;
}

TEST_CASE("Layouts follow NCCL's conventions", "[call]") {
  auto l = ComputeLayout(Call(CollectiveKind::kAllGather, 10), 2, 4);
  REQUIRE(l.ok());
  CHECK(l->in_count == 10);
  CHECK(l->out_count == 40);
  CHECK(l->in_offset == 20);
  l = ComputeLayout(Call(CollectiveKind::kReduceScatter, 10), 3, 4);
  REQUIRE(l.ok());
  CHECK(l->in_count == 40);
  CHECK(l->out_count == 10);
  CHECK(l->out_offset == 30);
  CHECK(l->recv_extent == 40);
  auto gather = Call(CollectiveKind::kGather, 5);
  gather.root = 1;
  l = ComputeLayout(gather, 0, 3);
  REQUIRE(l.ok());
  CHECK_FALSE(l->needs_out);
  l = ComputeLayout(gather, 1, 3);
  CHECK(l->needs_out);
  CHECK(l->out_count == 15);
  CHECK(l->in_offset == 5);
  auto bcast = Call(CollectiveKind::kBroadcast, 5);
  l = ComputeLayout(bcast, 2, 3);
  CHECK_FALSE(l->needs_in);
  CHECK(l->needs_out);
}

TEST_CASE("Variable layouts use per-rank counts", "[call]") {
  auto c = Call(CollectiveKind::kAllGatherV, 0);
  c.counts = {1, 2, 3};
  auto l = ComputeLayout(c, 2, 3);
  REQUIRE(l.ok());
  CHECK(l->in_count == 3);
  CHECK(l->out_count == 6);
  CHECK(l->in_offset == 3);
  c.counts = {1, 2};
  auto bad = ComputeLayout(c, 0, 3);
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message().find("counts has 2 entries") != std::string::npos);
}

TEST_CASE("Layout rejects bad roots, peers and overflowing counts", "[call]") {
  auto c = Call(CollectiveKind::kReduce, 4);
  c.root = 4;
  CHECK(ComputeLayout(c, 0, 4).status().message().find("root 4") != std::string::npos);
  auto s = Call(CollectiveKind::kSend, 4);
  s.peer = 1;
  CHECK(ComputeLayout(s, 1, 2).status().code() == StatusCode::kInvalidArgument);
  CHECK(ComputeLayout(Call(CollectiveKind::kAllGather, UINT64_MAX / 2), 0, 4).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("Mismatch names both ranks and what each called", "[call]") {
  auto a = Call(CollectiveKind::kAllReduce, 8);
  auto b = a;
  CHECK(MismatchBetween(a, 0, b, 1).empty());
  b.count = 9;
  std::string why = MismatchBetween(a, 0, b, 1);
  CHECK(why == "rank 0 called all_reduce(count=8, dtype=float32, op=sum) but rank 1 called "
               "all_reduce(count=9, dtype=float32, op=sum)");
  b = a;
  b.op = ReduceOp::kMax;
  CHECK_FALSE(MismatchBetween(a, 0, b, 1).empty());
  b = a;
  b.kind = CollectiveKind::kAllGather;
  CHECK(MismatchBetween(a, 2, b, 3).find("rank 3 called all_gather") != std::string::npos);
  auto r1 = Call(CollectiveKind::kBroadcast, 8);
  auto r2 = r1;
  r2.root = 1;
  CHECK(MismatchBetween(r1, 0, r2, 1).find("root=1") != std::string::npos);
}

}  // namespace
}  // namespace ccs
