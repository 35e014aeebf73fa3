#include "daemon/engine/host/reduce_kernels.h"

#include <algorithm>
#include <type_traits>

#include "daemon/engine/host/fp8.h"
#include "daemon/engine/host/half.h"

namespace ccs::host {
namespace {

// Element type T read and written at any alignment (shared memory offsets
// come from clients); the vectoriser then emits unaligned loads and stores.
// Name pointers to it with this alias, never `auto`: deduction drops the
// attribute and the access would assume natural alignment again.
template <typename T>
struct Unaligned {
  typedef T type __attribute__((aligned(1)));
};
template <typename E>
using UnalignedStorage = typename Unaligned<typename E::Storage>::type;

// How an element is stored in memory and widened for accumulation.
template <typename T>
struct Native {
  using Storage = T;
  using Acc = T;
  static Acc Widen(Storage v) { return v; }
  static Storage Narrow(Acc v) { return v; }
};

// A 16- or 8-bit float stored as its raw bits and accumulated in float;
// Narrow rounds once, to nearest even (half.h, fp8.h).
template <typename S, float (*kWiden)(S), S (*kNarrow)(float)>
struct WidenedToFloat {
  using Storage = S;
  using Acc = float;
  static Acc Widen(Storage v) { return kWiden(v); }
  static Storage Narrow(Acc v) { return kNarrow(v); }
};

using Float16 = WidenedToFloat<uint16_t, Float16ToFloat, FloatToFloat16>;
using Bfloat16 = WidenedToFloat<uint16_t, Bfloat16ToFloat, FloatToBfloat16>;
using Float8E4m3 = WidenedToFloat<uint8_t, Float8E4m3ToFloat, FloatToFloat8E4m3>;
using Float8E5m2 = WidenedToFloat<uint8_t, Float8E5m2ToFloat, FloatToFloat8E5m2>;

// Integer arithmetic is done in the unsigned type of the same width so
// overflow wraps instead of being undefined.
template <typename A>
using Unsigned = std::make_unsigned_t<A>;
template <typename A>
using WideUnsigned = std::common_type_t<Unsigned<A>, unsigned>;  // no int promotion

struct SumOp {
  template <typename A>
  static A Apply(A a, A b) {
    if constexpr (std::is_integral_v<A>) {
      return static_cast<A>(static_cast<WideUnsigned<A>>(static_cast<Unsigned<A>>(a)) +
                            static_cast<Unsigned<A>>(b));
    } else {
      return a + b;
    }
  }
};

struct ProdOp {
  template <typename A>
  static A Apply(A a, A b) {
    if constexpr (std::is_integral_v<A>) {
      return static_cast<A>(static_cast<WideUnsigned<A>>(static_cast<Unsigned<A>>(a)) *
                            static_cast<WideUnsigned<A>>(static_cast<Unsigned<A>>(b)));
    } else {
      return a * b;
    }
  }
};

struct MinOp {
  template <typename A>
  static A Apply(A a, A b) {
    return b < a ? b : a;
  }
};

struct MaxOp {
  template <typename A>
  static A Apply(A a, A b) {
    return a < b ? b : a;
  }
};

struct AvgOp : SumOp {};

template <typename E>
void Load(void* acc, const std::byte* in, size_t n) {
  using Acc = typename E::Acc;
  auto* __restrict a = static_cast<Acc*>(acc);
  const UnalignedStorage<E>* src = reinterpret_cast<const UnalignedStorage<E>*>(in);
  for (size_t i = 0; i < n; ++i) a[i] = E::Widen(src[i]);
}

template <typename E, typename Op>
void Accumulate(void* acc, const std::byte* in, size_t n) {
  using Acc = typename E::Acc;
  auto* __restrict a = static_cast<Acc*>(acc);
  const UnalignedStorage<E>* src = reinterpret_cast<const UnalignedStorage<E>*>(in);
  for (size_t i = 0; i < n; ++i) a[i] = Op::Apply(a[i], E::Widen(src[i]));
}

template <typename E, typename Op>
void Store(const void* acc, size_t n, uint32_t nranks, std::byte* out) {
  using Acc = typename E::Acc;
  const auto* __restrict a = static_cast<const Acc*>(acc);
  UnalignedStorage<E>* dst = reinterpret_cast<UnalignedStorage<E>*>(out);
  if constexpr (!std::is_same_v<Op, AvgOp>) {
    for (size_t i = 0; i < n; ++i) dst[i] = E::Narrow(a[i]);
  } else if constexpr (std::is_integral_v<Acc>) {
    using Wide = std::conditional_t<std::is_signed_v<Acc>, int64_t, uint64_t>;
    const Wide divisor = static_cast<Wide>(nranks);
    for (size_t i = 0; i < n; ++i) {
      dst[i] = static_cast<Acc>(static_cast<Wide>(a[i]) / divisor);
    }
  } else {
    const Acc divisor = static_cast<Acc>(nranks);
    for (size_t i = 0; i < n; ++i) dst[i] = E::Narrow(a[i] / divisor);
  }
}

template <typename E, typename Op>
constexpr ReduceKernel MakeKernel() {
  return ReduceKernel{sizeof(typename E::Storage), sizeof(typename E::Acc), &Load<E>,
                      &Accumulate<E, Op>, &Store<E, Op>};
}

template <typename E>
const ReduceKernel* FindForElement(ReduceOp op) {
  static constexpr ReduceKernel kSum = MakeKernel<E, SumOp>();
  static constexpr ReduceKernel kProd = MakeKernel<E, ProdOp>();
  static constexpr ReduceKernel kMin = MakeKernel<E, MinOp>();
  static constexpr ReduceKernel kMax = MakeKernel<E, MaxOp>();
  static constexpr ReduceKernel kAvg = MakeKernel<E, AvgOp>();
  switch (op) {
    case ReduceOp::kSum:
      return &kSum;
    case ReduceOp::kProd:
      return &kProd;
    case ReduceOp::kMin:
      return &kMin;
    case ReduceOp::kMax:
      return &kMax;
    case ReduceOp::kAvg:
      return &kAvg;
  }
  return nullptr;
}

}  // namespace

const ReduceKernel* FindReduceKernel(DataType dtype, ReduceOp op) {
  switch (dtype) {
    case DataType::kInt8:
      return FindForElement<Native<int8_t>>(op);
    case DataType::kUint8:
      return FindForElement<Native<uint8_t>>(op);
    case DataType::kInt32:
      return FindForElement<Native<int32_t>>(op);
    case DataType::kInt64:
      return FindForElement<Native<int64_t>>(op);
    case DataType::kFloat16:
      return FindForElement<Float16>(op);
    case DataType::kBfloat16:
      return FindForElement<Bfloat16>(op);
    case DataType::kFloat32:
      return FindForElement<Native<float>>(op);
    case DataType::kFloat64:
      return FindForElement<Native<double>>(op);
    case DataType::kUint32:
      return FindForElement<Native<uint32_t>>(op);
    case DataType::kUint64:
      return FindForElement<Native<uint64_t>>(op);
    case DataType::kFloat8E4m3:
      return FindForElement<Float8E4m3>(op);
    case DataType::kFloat8E5m2:
      return FindForElement<Float8E5m2>(op);
  }
  return nullptr;
}

namespace {

// Elements per step of the whole-buffer helpers; the accumulator holds at
// most 8 bytes per element.
constexpr size_t kPairBlock = 4096;
alignas(64) thread_local std::byte pair_acc[kPairBlock * 8];

}  // namespace

void ReducePair(const ReduceKernel& kernel, std::byte* out, const std::byte* a,
                const std::byte* b, size_t n) {
  const size_t esz = kernel.elem_size;
  for (size_t off = 0; off < n; off += kPairBlock) {
    const size_t k = std::min(kPairBlock, n - off);
    kernel.load(pair_acc, a + off * esz, k);
    kernel.accumulate(pair_acc, b + off * esz, k);
    kernel.store(pair_acc, k, 1, out + off * esz);
  }
}

void DivideInPlace(DataType dtype, std::byte* p, size_t n, uint32_t nranks) {
  const ReduceKernel& kernel = *FindReduceKernel(dtype, ReduceOp::kAvg);
  const size_t esz = kernel.elem_size;
  for (size_t off = 0; off < n; off += kPairBlock) {
    const size_t k = std::min(kPairBlock, n - off);
    kernel.load(pair_acc, p + off * esz, k);
    kernel.store(pair_acc, k, nranks, p + off * esz);
  }
}

}  // namespace ccs::host
