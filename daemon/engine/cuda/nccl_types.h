// ccs element types and reduce ops as NCCL's. Only the CUDA engine includes
// this header (it needs nccl.h's enums, not the library).
#pragma once

#include <nccl.h>

#include "daemon/core/status.h"
#include "daemon/core/types.h"

namespace ccs::cuda {

// Every ccs DataType has an NCCL type (bfloat16 since NCCL 2.10, which the
// loader requires anyway). float8 e4m3/e5m2 need NCCL 2.24 (version code
// >= 22400): UNIMPLEMENTED naming the loaded version otherwise.
// INVALID_ARGUMENT for values outside the enum.
StatusOr<ncclDataType_t> ToNcclDataType(DataType t, int nccl_version_code);
// sum, prod, min, max, avg. avg needs NCCL 2.10 (version code >= 21000):
// UNIMPLEMENTED naming the loaded version otherwise.
StatusOr<ncclRedOp_t> ToNcclRedOp(ReduceOp op, int nccl_version_code);

}  // namespace ccs::cuda
