#include "daemon/engine/cuda/nccl_types.h"

#include <string>

namespace ccs::cuda {

StatusOr<ncclDataType_t> ToNcclDataType(DataType t) {
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
