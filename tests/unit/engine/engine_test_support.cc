#include "tests/unit/engine/engine_test_support.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <sstream>

#include "daemon/core/types.h"
#include "daemon/engine/host/fp8.h"

namespace ccs::testing {

RankIo HostIo(const std::byte* in, std::byte* out, uint64_t in_count, uint64_t out_count) {
  RankIo io;
  io.in = in;
  io.out = out;
  io.in_count = in_count;
  io.out_count = out_count;
  return io;
}
namespace {

constexpr size_t kGuardBytes = 16;

bool IsFloat8(DataType t) {
  return t == DataType::kFloat8E4m3 || t == DataType::kFloat8E5m2;
}

bool IsFloat(DataType t) {
  return t == DataType::kFloat16 || t == DataType::kBfloat16 || t == DataType::kFloat32 ||
         t == DataType::kFloat64 || IsFloat8(t);
}

bool IsUnsigned(DataType t) {
  return t == DataType::kUint8 || t == DataType::kUint32 || t == DataType::kUint64;
}

bool IsPacked(CollectiveKind k) {
  return k == CollectiveKind::kAllGatherV || k == CollectiveKind::kReduceScatterV;
}

// Exact encoding of an integer with a binary float format of `mant_bits`
// mantissa bits and exponent bias `bias`; |v| must fit the mantissa.
uint16_t EncodeSmallInt(int64_t v, int mant_bits, int bias) {
  if (v == 0) return 0;
  const uint16_t sign = v < 0 ? 0x8000 : 0;
  const uint64_t a = static_cast<uint64_t>(v < 0 ? -v : v);
  const int e = std::bit_width(a) - 1;
  const uint64_t mantissa = (a << (mant_bits - e)) & ((uint64_t{1} << mant_bits) - 1);
  return static_cast<uint16_t>(sign | (static_cast<uint64_t>(e + bias) << mant_bits) |
                               mantissa);
}

template <typename T>
void Put(T v, std::byte* p) {
  std::memcpy(p, &v, sizeof(T));
}

std::byte Noise(size_t rank, uint64_t k) {
  uint64_t x = (rank + 1) * 0x9E3779B97F4A7C15ull ^ (k + 1) * 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  x *= 0x94D049BB133111EBull;
  return static_cast<std::byte>(x >> 56);
}

// Integer results wrap modulo 2^bits before avg divides them.
int64_t Wrap(DataType t, int64_t v) {
  switch (t) {
    case DataType::kInt8:
      return static_cast<int8_t>(v);
    case DataType::kUint8:
      return static_cast<uint8_t>(v);
    case DataType::kInt32:
      return static_cast<int32_t>(v);
    case DataType::kUint32:
      return static_cast<uint32_t>(v);
    default:
      return v;
  }
}

// Elements rank `from` sends to rank `to` in all_to_all_v.
uint64_t PairCount(uint64_t count, size_t from, size_t to) {
  if (count == 0) return 0;
  return count * ((from + 2 * to) % 3 + 1) / 2 + (from + to) % 2;
}

const char* PlacementName(Placement p) {
  switch (p) {
    case Placement::kSeparate:
      return "separate";
    case Placement::kInPlace:
      return "in_place";
    case Placement::kMixed:
      return "mixed";
    case Placement::kInPlaceOutBlock:
      return "in_place_out_block";
  }
  return "?";
}

}  // namespace

std::string Case::Describe() const {
  std::ostringstream os;
  os << CollectiveName(kind) << " " << DataTypeName(dtype);
  if (IsReduction(kind)) os << " " << ReduceOpName(op);
  os << " n=" << n << " count=" << count << " " << PlacementName(placement)
     << " root=" << root;
  return os.str();
}

bool PlacementApplies(CollectiveKind kind, Placement placement) {
  switch (placement) {
    case Placement::kSeparate:
      return true;
    case Placement::kInPlace:
    case Placement::kMixed:
      return kind != CollectiveKind::kSend && kind != CollectiveKind::kBarrier;
    case Placement::kInPlaceOutBlock:
      return kind == CollectiveKind::kReduceScatter ||
             kind == CollectiveKind::kReduceScatterV || kind == CollectiveKind::kScatter;
  }
  return false;
}

void EncodeElement(DataType dtype, int64_t v, std::byte* p) {
  switch (dtype) {
    case DataType::kInt8:
      Put(static_cast<int8_t>(v), p);
      return;
    case DataType::kUint8:
      Put(static_cast<uint8_t>(v), p);
      return;
    case DataType::kInt32:
      Put(static_cast<int32_t>(v), p);
      return;
    case DataType::kInt64:
      Put(v, p);
      return;
    case DataType::kFloat16:
      Put(EncodeSmallInt(v, 10, 15), p);
      return;
    case DataType::kBfloat16:
      Put(EncodeSmallInt(v, 7, 127), p);
      return;
    case DataType::kFloat32:
      Put(static_cast<float>(v), p);
      return;
    case DataType::kFloat64:
      Put(static_cast<double>(v), p);
      return;
    case DataType::kUint32:
      Put(static_cast<uint32_t>(v), p);
      return;
    case DataType::kUint64:
      Put(static_cast<uint64_t>(v), p);
      return;
    // Rounded (fp8.h, tested on its own): inputs are exact, reduced results
    // are the exact integer rounded once, as the kernels' float32 sum is.
    case DataType::kFloat8E4m3:
      Put(FloatToFloat8E4m3(static_cast<float>(v)), p);
      return;
    case DataType::kFloat8E5m2:
      Put(FloatToFloat8E5m2(static_cast<float>(v)), p);
      return;
  }
}

CaseRun::CaseRun(const Case& c) : c_(c), esz_(DataTypeSize(c.dtype)) {
  const size_t n = c.n;
  plan_.kind = c.kind;
  plan_.dtype = c.dtype;
  plan_.op = c.op;
  plan_.count = c.count;
  plan_.root = c.root;
  plan_.ranks.resize(n);
  offsets_.assign(n + 1, 0);
  if (IsPacked(c.kind)) {
    for (size_t r = 0; r < n; ++r) {
      const int64_t v = static_cast<int64_t>(c.count) + static_cast<int64_t>(r % 3) - 1;
      counts_.push_back(static_cast<uint64_t>(std::max<int64_t>(0, v)));
      offsets_[r + 1] = offsets_[r] + counts_[r];
    }
    plan_.counts = counts_;
  }
  if (c.kind == CollectiveKind::kAllToAllV) {
    for (size_t r = 0; r < n; ++r) {
      for (size_t t = 0; t < n; ++t) {
        plan_.ranks[r].send_counts.push_back(PairCount(c.count, r, t));
        plan_.ranks[r].recv_counts.push_back(PairCount(c.count, t, r));
      }
    }
  }
  mem_.resize(n);
  for (size_t r = 0; r < n; ++r) BuildRank(r);
  FillInputs();
  ComputeExpected();
}

void CaseRun::BuildRank(size_t r) {
  const uint64_t c = c_.count;
  const uint64_t n = c_.n;
  const bool root = r == c_.root;
  const bool packed = IsPacked(c_.kind);
  const uint64_t own = packed ? counts_[r] : c;
  const uint64_t own_offset = packed ? offsets_[r] : r * c;
  const uint64_t all = packed ? offsets_[n] : n * c;
  const Placement p = c_.placement;
  const bool out_block = p == Placement::kInPlaceOutBlock;
  bool in_place =
      p == Placement::kInPlace || out_block || (p == Placement::kMixed && r % 2 == 0);
  uint64_t in_elems = 0, out_elems = 0, buffer = 0, in_offset = 0, out_offset = 0;
  bool in_used = true, out_used = true;
  RankMem& m = mem_[r];
  RankIo& io = plan_.ranks[r];
  switch (c_.kind) {
    case CollectiveKind::kAllReduce:
    case CollectiveKind::kReduce:
      in_elems = out_elems = buffer = c;
      break;
    case CollectiveKind::kReduceScatter:
    case CollectiveKind::kReduceScatterV:
      in_elems = buffer = all;
      out_elems = own;
      if (in_place) (out_block ? out_offset : m.result_base) = own_offset;
      break;
    case CollectiveKind::kAllGather:
    case CollectiveKind::kAllGatherV:
      in_elems = own;
      out_elems = buffer = all;
      in_offset = own_offset;
      break;
    case CollectiveKind::kBroadcast:
      in_used = root || in_place;
      in_elems = in_used ? c : 0;
      out_elems = buffer = c;
      break;
    case CollectiveKind::kGather:
      in_place = in_place && root;
      in_elems = c;
      out_used = root;
      out_elems = buffer = root ? all : 0;
      in_offset = own_offset;
      break;
    case CollectiveKind::kScatter:
      in_place = in_place && root;
      in_used = root;
      in_elems = buffer = root ? all : 0;
      out_elems = c;
      if (in_place) (out_block ? out_offset : m.result_base) = own_offset;
      break;
    case CollectiveKind::kAllToAll:
      in_elems = out_elems = buffer = all;
      break;
    case CollectiveKind::kAllToAllV:
      for (size_t t = 0; t < n; ++t) {
        in_elems += io.send_counts[t];
        out_elems += io.recv_counts[t];
      }
      buffer = std::max(in_elems, out_elems);
      break;
    case CollectiveKind::kSend:
      in_place = false;
      in_used = r == 0;
      out_used = r == 1;
      in_elems = in_used ? c : 0;
      out_elems = out_used ? c : 0;
      break;
    case CollectiveKind::kRecv:
    case CollectiveKind::kBarrier:
      in_place = in_used = out_used = false;
      break;
  }
  const size_t shift = r % 3;
  const auto alloc = [&](Region& region, uint64_t elems) {
    region.shift = shift;
    region.bytes.resize(shift + elems * esz_ + kGuardBytes);
    for (size_t k = 0; k < region.bytes.size(); ++k) {
      region.bytes[k] = static_cast<std::byte>((0xA5 + 13 * r + 7 * k) & 0xff);
    }
    region.expected = region.bytes;
  };
  m.in_place = in_place;
  m.out_offset = out_offset;
  if (in_place) {
    alloc(m.out, buffer);
    io.out = m.out.data() + out_offset * esz_;
    io.out_count = buffer - out_offset;
    io.in = m.out.data() + in_offset * esz_;
    io.in_count = in_elems;
    m.in_offset = in_offset;
  } else {
    if (out_used) {
      alloc(m.out, out_elems);
      io.out = m.out.data();
      io.out_count = out_elems;
    }
    if (in_used) {
      alloc(m.in, in_elems);
      io.in = m.in.data();
      io.in_count = in_elems;
    }
  }
  m.in_elems = in_used ? in_elems : 0;
}

int64_t CaseRun::InputValue(size_t s, uint64_t i) const {
  static constexpr int64_t kProdValues[] = {-2, -1, 1, 2};
  if (c_.op == ReduceOp::kProd) {
    return IsUnsigned(c_.dtype) ? 1 + static_cast<int64_t>((i + s) % 2)
                                : kProdValues[(i * 3 + s * 5) % 4];
  }
  if (c_.op == ReduceOp::kAvg && IsFloat(c_.dtype)) {
    // Rank offsets sum to 0, so the average is exactly the base value.
    // float8 cannot hold the offsets exactly: there every rank sends the
    // base value (|v| <= 6 is exact in both formats).
    const int64_t n = static_cast<int64_t>(c_.n);
    const int64_t rank_offset = IsFloat8(c_.dtype) ? 0
                                : static_cast<int64_t>(s) + 1 < n
                                    ? static_cast<int64_t>(s)
                                    : -(n - 1) * (n - 2) / 2;
    return static_cast<int64_t>(i % 13) - 6 + rank_offset;
  }
  // |v| <= 8: exact in every type, float8 included.
  const int64_t v = static_cast<int64_t>((i * 7 + s * 13) % 17) - 8;
  return IsUnsigned(c_.dtype) ? v + 8 : v;
}

void CaseRun::FillInputs() {
  for (size_t s = 0; s < mem_.size(); ++s) {
    RankMem& m = mem_[s];
    if (m.in_elems == 0) continue;
    Region& region = m.in_place ? m.out : m.in;
    std::byte* data = region.data() + (m.in_place ? m.in_offset * esz_ : 0);
    std::byte* want = region.want() + (m.in_place ? m.in_offset * esz_ : 0);
    const uint64_t bytes = m.in_elems * esz_;
    if (IsReduction(c_.kind)) {
      for (uint64_t i = 0; i < m.in_elems; ++i) {
        EncodeElement(c_.dtype, InputValue(s, i), data + i * esz_);
      }
    } else {
      for (uint64_t k = 0; k < bytes; ++k) data[k] = Noise(s, k);
    }
    std::memcpy(want, data, bytes);
    m.initial_input.assign(data, data + bytes);
  }
}

std::byte* CaseRun::ResultWant(size_t r) {
  return mem_[r].out.want() + (mem_[r].out_offset + mem_[r].result_base) * esz_;
}

void CaseRun::ExpectReduced(size_t r, uint64_t first, uint64_t len) {
  const int64_t n = static_cast<int64_t>(c_.n);
  std::byte* want = ResultWant(r);
  for (uint64_t j = 0; j < len; ++j) {
    int64_t acc = InputValue(0, first + j);
    for (size_t s = 1; s < c_.n; ++s) {
      const int64_t v = InputValue(s, first + j);
      switch (c_.op) {
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
    if (c_.op == ReduceOp::kAvg) acc = Wrap(c_.dtype, acc) / n;
    EncodeElement(c_.dtype, acc, want + j * esz_);
  }
}

void CaseRun::ExpectCopy(size_t r, uint64_t out_elem, size_t from, uint64_t in_elem,
                         uint64_t len) {
  if (len == 0) return;
  std::memcpy(ResultWant(r) + out_elem * esz_,
              mem_[from].initial_input.data() + in_elem * esz_, len * esz_);
}

void CaseRun::ComputeExpected() {
  const size_t n = c_.n;
  const uint64_t c = c_.count;
  const size_t root = c_.root;
  switch (c_.kind) {
    case CollectiveKind::kAllReduce:
      for (size_t r = 0; r < n; ++r) ExpectReduced(r, 0, c);
      return;
    case CollectiveKind::kReduce:
      ExpectReduced(root, 0, c);
      return;
    case CollectiveKind::kReduceScatter:
      for (size_t r = 0; r < n; ++r) ExpectReduced(r, r * c, c);
      return;
    case CollectiveKind::kReduceScatterV:
      for (size_t r = 0; r < n; ++r) ExpectReduced(r, offsets_[r], counts_[r]);
      return;
    case CollectiveKind::kAllGather:
      for (size_t r = 0; r < n; ++r) {
        for (size_t s = 0; s < n; ++s) ExpectCopy(r, s * c, s, 0, c);
      }
      return;
    case CollectiveKind::kAllGatherV:
      for (size_t r = 0; r < n; ++r) {
        for (size_t s = 0; s < n; ++s) ExpectCopy(r, offsets_[s], s, 0, counts_[s]);
      }
      return;
    case CollectiveKind::kBroadcast:
      for (size_t r = 0; r < n; ++r) ExpectCopy(r, 0, root, 0, c);
      return;
    case CollectiveKind::kGather:
      for (size_t s = 0; s < n; ++s) ExpectCopy(root, s * c, s, 0, c);
      return;
    case CollectiveKind::kScatter:
      for (size_t r = 0; r < n; ++r) ExpectCopy(r, 0, root, r * c, c);
      return;
    case CollectiveKind::kAllToAll:
      for (size_t r = 0; r < n; ++r) {
        for (size_t s = 0; s < n; ++s) ExpectCopy(r, s * c, s, r * c, c);
      }
      return;
    case CollectiveKind::kAllToAllV:
      for (size_t r = 0; r < n; ++r) {
        uint64_t recv_offset = 0;
        for (size_t s = 0; s < n; ++s) {
          uint64_t send_offset = 0;
          for (size_t t = 0; t < r; ++t) send_offset += PairCount(c, s, t);
          ExpectCopy(r, recv_offset, s, send_offset, PairCount(c, s, r));
          recv_offset += PairCount(c, s, r);
        }
      }
      return;
    case CollectiveKind::kSend:
      ExpectCopy(1, 0, 0, 0, c);
      return;
    case CollectiveKind::kRecv:
    case CollectiveKind::kBarrier:
      return;
  }
}

std::string CaseRun::Verify() const {
  for (size_t r = 0; r < mem_.size(); ++r) {
    const RankMem& m = mem_[r];
    for (const Region* region : {&m.out, &m.in}) {
      const auto mismatch = std::mismatch(region->bytes.begin(), region->bytes.end(),
                                          region->expected.begin());
      if (mismatch.first == region->bytes.end()) continue;
      const size_t at = static_cast<size_t>(mismatch.first - region->bytes.begin());
      std::ostringstream os;
      const bool in_data = at >= region->shift;
      os << "rank " << r << " " << (region == &m.out ? "out" : "in") << " buffer byte "
         << (in_data ? at - region->shift : 0) << (in_data ? "" : " (before the buffer)")
         << " (element " << (in_data ? (at - region->shift) / esz_ : 0) << "): got 0x"
         << std::hex << static_cast<int>(*mismatch.first) << ", want 0x"
         << static_cast<int>(*mismatch.second);
      return os.str();
    }
  }
  return "";
}

}  // namespace ccs::testing
