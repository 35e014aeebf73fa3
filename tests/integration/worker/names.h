// Lower-case names of the SDK enums, kept in the worker so that its reports
// and command line do not depend on the SDK's own tables.
#pragma once

#include <optional>
#include <string_view>

#include "ccs/types.h"

namespace ccs::it {

std::string_view KindName(CollectiveKind k);
std::string_view DtypeName(DataType t);
std::string_view OpName(ReduceOp op);
std::optional<CollectiveKind> KindFromName(std::string_view s);
std::optional<DataType> DtypeFromName(std::string_view s);
std::optional<ReduceOp> OpFromName(std::string_view s);

}  // namespace ccs::it
