// NCCL types and communicator initialisation against its deadline (the
// unique id's exchange between nodes is the engine's: device_engine_nodes_test). None of this needs a GPU:
// ncclGetUniqueId works without one, and a communicator that cannot form
// (no driver here; no peers on a GPU machine) must fail by its deadline with
// a Status naming it.
#include "daemon/engine/cuda/nccl_comm.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <thread>

#include "daemon/engine/cuda/nccl_types.h"

namespace ccs::cuda {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::unique_ptr<NcclLibrary> Nccl() {
  auto lib = NcclLibrary::Load("libnccl.so.2");
  REQUIRE(lib.ok());
  return std::move(lib).value();
}

TEST_CASE("every ccs dtype maps to NCCL's, bfloat16 and float8 included",
          "[cuda][nccl]") {
  CHECK(*ToNcclDataType(DataType::kInt8, 22809) == ncclInt8);
  CHECK(*ToNcclDataType(DataType::kUint8, 22809) == ncclUint8);
  CHECK(*ToNcclDataType(DataType::kInt32, 22809) == ncclInt32);
  CHECK(*ToNcclDataType(DataType::kInt64, 22809) == ncclInt64);
  CHECK(*ToNcclDataType(DataType::kFloat16, 22809) == ncclFloat16);
  CHECK(*ToNcclDataType(DataType::kBfloat16, 22809) == ncclBfloat16);
  CHECK(*ToNcclDataType(DataType::kFloat32, 22809) == ncclFloat32);
  CHECK(*ToNcclDataType(DataType::kFloat64, 22809) == ncclFloat64);
  CHECK(*ToNcclDataType(DataType::kUint32, 22809) == ncclUint32);
  CHECK(*ToNcclDataType(DataType::kUint64, 22809) == ncclUint64);
  CHECK(*ToNcclDataType(DataType::kFloat8E4m3, 22809) == ncclFloat8e4m3);
  CHECK(*ToNcclDataType(DataType::kFloat8E5m2, 22809) == ncclFloat8e5m2);
  CHECK(*ToNcclDataType(DataType::kFloat8E4m3, 22400) == ncclFloat8e4m3);
}

TEST_CASE("float8 needs NCCL 2.24; older NCCL refuses it, naming both versions",
          "[cuda][nccl]") {
  for (DataType t : {DataType::kFloat8E4m3, DataType::kFloat8E5m2}) {
    const StatusOr<ncclDataType_t> old = ToNcclDataType(t, 22304);
    REQUIRE(old.status().code() == StatusCode::kUnimplemented);
    CHECK_THAT(old.status().message(), Catch::Contains("2.24") &&
                                           Catch::Contains("22304") &&
                                           Catch::Contains(std::string(DataTypeName(t))));
  }
  // The other types do not depend on the version.
  CHECK(*ToNcclDataType(DataType::kUint64, 21000) == ncclUint64);
  CHECK(ToNcclDataType(static_cast<DataType>(200), 22809).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("reduce ops map to NCCL's; avg needs NCCL 2.10", "[cuda][nccl]") {
  CHECK(*ToNcclRedOp(ReduceOp::kSum, 22809) == ncclSum);
  CHECK(*ToNcclRedOp(ReduceOp::kProd, 22809) == ncclProd);
  CHECK(*ToNcclRedOp(ReduceOp::kMin, 22809) == ncclMin);
  CHECK(*ToNcclRedOp(ReduceOp::kMax, 22809) == ncclMax);
  CHECK(*ToNcclRedOp(ReduceOp::kAvg, 22809) == ncclAvg);
  CHECK(ToNcclRedOp(ReduceOp::kAvg, 2804).status().code() == StatusCode::kUnimplemented);
}

TEST_CASE("a communicator that cannot form fails by its deadline, naming itself",
          "[cuda][nccl]") {
  auto nccl = Nccl();
  NcclComm::Options o;
  o.name = "group 'tp' epoch 1";
  o.ordinal = 0;
  o.nranks = 2;  // the other rank never comes
  o.rank = 0;
  REQUIRE(nccl->api().GetUniqueId(&o.id) == ncclSuccess);
  o.deadline = steady_clock::now() + milliseconds(500);
  const auto start = steady_clock::now();
  auto comm = NcclComm::Init(*nccl, o);
  CHECK_FALSE(comm.ok());
  CHECK(comm.status().message().find(
            "NCCL communicator of group 'tp' epoch 1 (rank 0 of 2") != std::string::npos);
  CHECK(steady_clock::now() - start < std::chrono::seconds(30));
}

TEST_CASE("communicators initialised together fail together by the deadline",
          "[cuda][nccl]") {
  auto nccl = Nccl();
  std::vector<NcclComm::Options> options(2);
  ncclUniqueId id{};
  REQUIRE(nccl->api().GetUniqueId(&id) == ncclSuccess);
  for (int r = 0; r < 2; ++r) {
    options[r].name = "group 'tp' epoch 3";
    options[r].ordinal = 0;
    options[r].nranks = 3;  // rank 2 never comes
    options[r].rank = r;
    options[r].id = id;
    options[r].deadline = steady_clock::now() + milliseconds(500);
  }
  const auto start = steady_clock::now();
  auto comms = NcclComm::InitGroup(*nccl, options);
  CHECK_FALSE(comms.ok());
  CHECK(comms.status().message().find("NCCL communicator of group 'tp' epoch 3 (rank ") !=
        std::string::npos);
  CHECK(steady_clock::now() - start < std::chrono::seconds(30));
  CHECK(NcclComm::InitGroup(*nccl, {}).value().empty());
}

}  // namespace
}  // namespace ccs::cuda
