#include "worker/names.h"

namespace ccs::it {
namespace {

constexpr std::string_view kKindNames[] = {
    "all_reduce",   "all_gather", "all_gather_v", "reduce_scatter", "reduce_scatter_v",
    "reduce",       "broadcast",  "gather",       "scatter",        "all_to_all",
    "all_to_all_v", "send",       "recv",         "barrier"};
constexpr std::string_view kDtypeNames[] = {
    "int8",    "uint8",   "int32",  "int64",  "float16",     "bfloat16",
    "float32", "float64", "uint32", "uint64", "float8_e4m3", "float8_e5m2"};
constexpr std::string_view kOpNames[] = {"sum", "prod", "min", "max", "avg"};

template <typename E, size_t N>
std::optional<E> Find(std::string_view s, const std::string_view (&names)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view KindName(CollectiveKind k) { return kKindNames[static_cast<int>(k)]; }
std::string_view DtypeName(DataType t) { return kDtypeNames[static_cast<int>(t)]; }
std::string_view OpName(ReduceOp op) { return kOpNames[static_cast<int>(op)]; }

std::optional<CollectiveKind> KindFromName(std::string_view s) {
  return Find<CollectiveKind>(s, kKindNames);
}
std::optional<DataType> DtypeFromName(std::string_view s) {
  return Find<DataType>(s, kDtypeNames);
}
std::optional<ReduceOp> OpFromName(std::string_view s) {
  return Find<ReduceOp>(s, kOpNames);
}

}  // namespace ccs::it
