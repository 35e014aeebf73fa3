// Algorithm selection for device all-reduce.
#include "daemon/engine/cuda/algorithm.h"

#include <catch2/catch.hpp>

#include "daemon/engine/cuda/p2p_matrix.h"

namespace ccs::cuda {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * 1024;

AllReduceSituation Local(uint64_t bytes, uint32_t ranks, uint32_t gpus) {
  AllReduceSituation s;
  s.bytes = bytes;
  s.ranks = ranks;
  s.gpus = gpus;
  s.all_ranks_local = true;
  s.p2p_verified = true;
  s.dtype_supported = true;
  s.op_supported = true;
  s.nccl_possible = ranks == gpus;
  return s;
}

Algorithm Pick(const AllReduceSituation& s, AlgorithmThresholds t = {}) {
  return SelectAllReduce(s, t).algorithm;
}

TEST_CASE("small ops on several GPUs take one-shot, medium two-shot, large NCCL",
          "[cuda][algorithm]") {
  CHECK(Pick(Local(8, 2, 2)) == Algorithm::kOneShot);
  CHECK(Pick(Local(512 * kKiB, 4, 4)) == Algorithm::kOneShot);
  CHECK(Pick(Local(512 * kKiB + 1, 4, 4)) == Algorithm::kTwoShot);
  CHECK(Pick(Local(8 * kMiB, 4, 4)) == Algorithm::kTwoShot);
  CHECK(Pick(Local(8 * kMiB + 1, 4, 4)) == Algorithm::kNccl);
}

TEST_CASE("more than 4 GPUs halve the one-shot limit", "[cuda][algorithm]") {
  CHECK(Pick(Local(256 * kKiB, 8, 8)) == Algorithm::kOneShot);
  CHECK(Pick(Local(256 * kKiB + 1, 8, 8)) == Algorithm::kTwoShot);
  CHECK(Pick(Local(256 * kKiB + 1, 4, 4)) == Algorithm::kOneShot);
}

TEST_CASE("thresholds are configurable; 0 turns one-shot off across GPUs",
          "[cuda][algorithm]") {
  AlgorithmThresholds t;
  t.one_shot_max_bytes = 0;
  t.two_shot_max_bytes = 64 * kKiB;
  CHECK(Pick(Local(8, 2, 2), t) == Algorithm::kTwoShot);
  CHECK(Pick(Local(64 * kKiB + 1, 2, 2), t) == Algorithm::kNccl);
  CHECK(Pick(Local(8, 3, 1), t) == Algorithm::kOneShot);  // one GPU ignores them
}

TEST_CASE("in place across GPUs never takes one-shot", "[cuda][algorithm]") {
  AllReduceSituation s = Local(4 * kKiB, 2, 2);
  s.in_place = true;
  auto choice = SelectAllReduce(s, {});
  CHECK(choice.algorithm == Algorithm::kTwoShot);
  CHECK(choice.reason == "small, in place");
  s.gpus = 1;
  s.ranks = 4;
  CHECK(Pick(s) == Algorithm::kOneShot);  // one GPU: in place is safe
}

TEST_CASE("processes sharing one GPU use the kernels at every size",
          "[cuda][algorithm]") {
  for (uint64_t bytes : {uint64_t{8}, 1 * kMiB, 256 * kMiB}) {
    auto choice = SelectAllReduce(Local(bytes, 8, 1), {});
    CHECK(choice.algorithm == Algorithm::kOneShot);
    CHECK(choice.reason == "one GPU");
  }
}

TEST_CASE("large ops that NCCL cannot serve stay on two-shot", "[cuda][algorithm]") {
  AllReduceSituation s = Local(64 * kMiB, 4, 2);  // 2 ranks per GPU
  CHECK_FALSE(s.nccl_possible);
  CHECK(Pick(s) == Algorithm::kTwoShot);
}

TEST_CASE("without the kernels' prerequisites: NCCL if possible, else host-staged",
          "[cuda][algorithm]") {
  struct Case {
    const char* what;
    void (*spoil)(AllReduceSituation&);
    std::string_view reason;
  };
  const Case cases[] = {
      {"remote", [](AllReduceSituation& s) { s.all_ranks_local = false; },
       "ranks on other nodes"},
      {"dtype", [](AllReduceSituation& s) { s.dtype_supported = false; },
       "dtype not supported by the custom kernels"},
      {"op", [](AllReduceSituation& s) { s.op_supported = false; },
       "reduce op not supported by the custom kernels"},
      {"p2p", [](AllReduceSituation& s) { s.p2p_verified = false; },
       "P2P between the GPUs not verified"},
      {"ranks",
       [](AllReduceSituation& s) {
         s.ranks = 17;
         s.gpus = 4;
       },
       "too many ranks for the custom kernels"},
      {"gpus",
       [](AllReduceSituation& s) {
         s.ranks = 9;
         s.gpus = 9;
       },
       "too many GPUs for the custom kernels"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    AllReduceSituation s = Local(4 * kKiB, 2, 2);
    c.spoil(s);
    s.nccl_possible = true;
    auto nccl = SelectAllReduce(s, {});
    CHECK(nccl.algorithm == Algorithm::kNccl);
    CHECK(nccl.reason == c.reason);
    s.nccl_possible = false;
    CHECK(Pick(s) == Algorithm::kHostStaged);
  }
}

TEST_CASE("one GPU needs no P2P check", "[cuda][algorithm]") {
  AllReduceSituation s = Local(4 * kKiB, 2, 1);
  s.p2p_verified = false;
  CHECK(Pick(s) == Algorithm::kOneShot);
}

TEST_CASE("algorithm names", "[cuda][algorithm]") {
  CHECK(AlgorithmName(Algorithm::kOneShot) == "one_shot");
  CHECK(AlgorithmName(Algorithm::kTwoShot) == "two_shot");
  CHECK(AlgorithmName(Algorithm::kNccl) == "nccl");
  CHECK(AlgorithmName(Algorithm::kHostStaged) == "host_staged");
}

}  // namespace
}  // namespace ccs::cuda

namespace ccs::cuda {
namespace {

TEST_CASE("the P2P matrix answers for sets of GPUs", "[cuda][p2p]") {
  P2pMatrix m(3);
  const uint32_t one[] = {2};
  const uint32_t pair[] = {0, 1};
  const uint32_t all[] = {0, 1, 2};
  CHECK(m.AllPairs(one));  // a GPU reads itself
  CHECK_FALSE(m.AllPairs(pair));
  m.Set(0, 1, true);
  CHECK_FALSE(m.AllPairs(pair));  // one direction is not enough
  m.Set(1, 0, true);
  CHECK(m.AllPairs(pair));
  for (uint32_t a = 0; a < 3; ++a) {
    for (uint32_t b = 0; b < 3; ++b) m.Set(a, b, true);
  }
  m.Set(2, 1, false);
  CHECK_FALSE(m.AllPairs(all));
  CHECK(m.Describe() == "0: 0 1 2\n1: 0 1 2\n2: 0 - 2\n");
  const uint32_t outside[] = {0, 3};
  CHECK_FALSE(m.AllPairs(outside));
}

}  // namespace
}  // namespace ccs::cuda
