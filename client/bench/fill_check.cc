#include "client/bench/fill_check.h"

#include <algorithm>

#include "client/bench/element.h"

namespace ccs::bench {
namespace {

// `v` as an element of `dtype` holds it: v itself for every type but float8,
// which cannot hold every integer the values below use (rounded to nearest
// even there, as the daemon rounds its exact float32 result once).
double Stored(DataType dtype, double v) {
  uint64_t element = 0;
  WriteElement(&element, dtype, 0, v);
  return ReadElement(&element, dtype, 0);
}

// The reduction of element `index` over every rank's send buffer (as stored).
double Reduced(const CheckSpec& spec, uint64_t index) {
  double acc = Stored(spec.dtype, SendValue(spec, 0, index));
  for (uint32_t r = 1; r < spec.ranks; ++r) {
    const double v = Stored(spec.dtype, SendValue(spec, r, index));
    switch (spec.op) {
      case ReduceOp::kSum:
      case ReduceOp::kAvg:
        acc += v;
        break;
      case ReduceOp::kProd:
        acc *= v;
        break;
      case ReduceOp::kMin:
        acc = std::min(acc, v);
        break;
      case ReduceOp::kMax:
        acc = std::max(acc, v);
        break;
    }
  }
  return spec.op == ReduceOp::kAvg ? acc / spec.ranks : acc;
}

}  // namespace

double SendValue(const CheckSpec& spec, uint32_t rank, uint64_t index) {
  if (!IsReduction(spec.kind)) {
    return static_cast<double>((uint64_t{rank} * 13 + index) % 97);  // <= 96
  }
  switch (spec.op) {
    case ReduceOp::kSum:  // sum <= 3 * ranks
      return static_cast<double>((rank + index) % 4);
    case ReduceOp::kProd:  // exactly one rank holds 2: the product is 2
      return (rank + index) % spec.ranks == 0 ? 2 : 1;
    case ReduceOp::kMin:
    case ReduceOp::kMax:
      return static_cast<double>((uint64_t{rank} * 5 + index) % 11);
    case ReduceOp::kAvg:  // sum = ranks * (index % 4 + ranks - 1): avg exact
      return static_cast<double>(index % 4 + 2 * uint64_t{rank});
  }
  return 0;
}

std::optional<double> ExpectedRecv(const CheckSpec& spec, uint64_t index) {
  const uint64_t c = spec.layout.count;
  const bool is_root = spec.rank == spec.root;
  switch (spec.kind) {
    case CollectiveKind::kAllReduce:
      return Reduced(spec, index);
    case CollectiveKind::kReduce:
      return is_root ? std::optional<double>(Reduced(spec, index)) : std::nullopt;
    case CollectiveKind::kReduceScatter:
      return Reduced(spec, spec.rank * c + index);
    case CollectiveKind::kAllGather:
      return SendValue(spec, static_cast<uint32_t>(index / c), index % c);
    case CollectiveKind::kGather:
      if (!is_root) return std::nullopt;
      return SendValue(spec, static_cast<uint32_t>(index / c), index % c);
    case CollectiveKind::kBroadcast:
      return SendValue(spec, spec.root, index);
    case CollectiveKind::kAllToAll:
      return SendValue(spec, static_cast<uint32_t>(index / c), spec.rank * c + index % c);
    case CollectiveKind::kScatter:
      return SendValue(spec, spec.root, spec.rank * c + index);
    default:
      return std::nullopt;
  }
}

void FillSend(const CheckSpec& spec, void* send) {
  for (uint64_t i = 0; i < spec.layout.send_elems; ++i) {
    WriteElement(send, spec.dtype, i, SendValue(spec, spec.rank, i));
  }
}

uint64_t CountWrong(const CheckSpec& spec, const void* recv) {
  uint64_t wrong = 0;
  for (uint64_t i = 0; i < spec.layout.recv_elems; ++i) {
    const std::optional<double> expected = ExpectedRecv(spec, i);
    if (expected && ReadElement(recv, spec.dtype, i) != Stored(spec.dtype, *expected)) {
      ++wrong;
    }
  }
  return wrong;
}

}  // namespace ccs::bench
