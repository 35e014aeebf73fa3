#include "daemon/engine/cuda/nccl_types.h"

#include <string>

namespace ccs::cuda {
namespace {

// NCCL's float8 types (2.24). Their values are NCCL's ABI, so a build
// against an older nccl.h still names them; the loaded library decides.
#if NCCL_VERSION_CODE >= 22400
constexpr ncclDataType_t kNcclFloat8e4m3 = ncclFloat8e4m3;
constexpr ncclDataType_t kNcclFloat8e5m2 = ncclFloat8e5m2;
#else
constexpr ncclDataType_t kNcclFloat8e4m3 = static_cast<ncclDataType_t>(10);
constexpr ncclDataType_t kNcclFloat8e5m2 = static_cast<ncclDataType_t>(11);
#endif
constexpr int kNcclFloat8Version = 22400;

StatusOr<ncclDataType_t> NeedsFloat8(DataType t, ncclDataType_t nccl_type,
                                     int nccl_version_code) {
  if (nccl_version_code < kNcclFloat8Version) {
    return Unimplemented("data type " + std::string(DataTypeName(t)) +
                         " needs NCCL 2.24 or newer; the loaded NCCL is " +
                         std::to_string(nccl_version_code));
  }
  return nccl_type;
}

}  // namespace

StatusOr<ncclDataType_t> ToNcclDataType(DataType t, int nccl_version_code) {
  switch (t) {
    case DataType::kInt8:
      return ncclInt8;
    case DataType::kUint8:
      return ncclUint8;
    case DataType::kInt32:
      return ncclInt32;
    case DataType::kInt64:
      return ncclInt64;
    case DataType::kFloat16:
      return ncclFloat16;
    case DataType::kBfloat16:
      return ncclBfloat16;
    case DataType::kFloat32:
      return ncclFloat32;
    case DataType::kFloat64:
      return ncclFloat64;
    case DataType::kUint32:
      return ncclUint32;
    case DataType::kUint64:
      return ncclUint64;
    case DataType::kFloat8E4m3:
      return NeedsFloat8(t, kNcclFloat8e4m3, nccl_version_code);
    case DataType::kFloat8E5m2:
      return NeedsFloat8(t, kNcclFloat8e5m2, nccl_version_code);
  }
  return InvalidArgument("data type " + std::to_string(static_cast<int>(t)) +
                         " has no NCCL equivalent");
}

StatusOr<ncclRedOp_t> ToNcclRedOp(ReduceOp op, int nccl_version_code) {
  switch (op) {
    case ReduceOp::kSum:
      return ncclSum;
    case ReduceOp::kProd:
      return ncclProd;
    case ReduceOp::kMin:
      return ncclMin;
    case ReduceOp::kMax:
      return ncclMax;
    case ReduceOp::kAvg:
      if (nccl_version_code < 21000) {
        return Unimplemented(
            "reduce op avg needs NCCL 2.10 or newer; the loaded NCCL is " +
            std::to_string(nccl_version_code));
      }
      return ncclAvg;
  }
  return InvalidArgument("reduce op " + std::to_string(static_cast<int>(op)) +
                         " has no NCCL equivalent");
}

}  // namespace ccs::cuda
