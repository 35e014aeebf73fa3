#include "tests/unit/engine/cuda/nccl_simulator.h"

#include <cstring>
#include <map>
#include <string>
#include <utility>

#include "daemon/engine/host/reduce_kernels.h"

namespace ccs::cuda::testing {
namespace {

using Kind = NcclCall::Kind;
using Bytes = std::vector<std::byte>;

struct Range {
  const std::byte* p = nullptr;
  uint64_t bytes = 0;
};

bool Overlap(Range a, Range b) {
  return a.bytes != 0 && b.bytes != 0 && a.p < b.p + b.bytes && b.p < a.p + a.bytes;
}

// What one call of group rank `rank` reads and writes, and whether the two
// may overlap (NCCL's in-place position).
struct Access {
  Range read;
  Range write;
  bool in_place = false;
};

Access AccessOf(const NcclCall& c, uint32_t rank, uint32_t world) {
  const uint64_t b = c.count * DataTypeSize(c.dtype);
  const auto* send = static_cast<const std::byte*>(c.send);
  const auto* recv = static_cast<const std::byte*>(c.recv);
  switch (c.kind) {
    case Kind::kAllReduce:
      return {{send, b}, {recv, b}, send == recv};
    case Kind::kAllGather:
      return {{send, b}, {recv, b * world}, send == recv + rank * b};
    case Kind::kReduceScatter:
      return {{send, b * world}, {recv, b}, recv == send + rank * b};
    case Kind::kReduce:
      return {{send, b}, rank == c.root ? Range{recv, b} : Range{}, send == recv};
    case Kind::kBroadcast:
      return {rank == c.root ? Range{send, b} : Range{}, {recv, b}, send == recv};
    case Kind::kSend:
      return {{send, b}, {}, false};
    case Kind::kRecv:
      return {{}, {recv, b}, false};
  }
  return {};
}

std::string Where(uint32_t rank, size_t call) {
  return "rank " + std::to_string(rank) + " call " + std::to_string(call);
}

// Concurrent calls of one rank's group must not race on memory.
Status CheckHazards(const std::vector<NcclCall>& calls, uint32_t rank, uint32_t world) {
  std::vector<Access> access;
  for (const NcclCall& c : calls) access.push_back(AccessOf(c, rank, world));
  for (size_t i = 0; i < access.size(); ++i) {
    const Access& a = access[i];
    if ((a.read.bytes != 0 && a.read.p == nullptr) ||
        (a.write.bytes != 0 && a.write.p == nullptr)) {
      return InvalidArgument(Where(rank, i) + " uses a null buffer");
    }
    if (Overlap(a.read, a.write) && !a.in_place) {
      return InvalidArgument(Where(rank, i) +
                             " overlaps send and recv outside NCCL's "
                             "in-place position");
    }
    for (size_t j = 0; j < access.size(); ++j) {
      if (j == i) continue;
      if (Overlap(a.write, access[j].read) || Overlap(a.write, access[j].write)) {
        return InvalidArgument(Where(rank, i) + " writes memory that " + Where(rank, j) +
                               " of the same group uses");
      }
    }
  }
  return Status::Ok();
}

bool IsCollective(const NcclCall& c) {
  return c.kind != Kind::kSend && c.kind != Kind::kRecv;
}

bool SameCollective(const NcclCall& a, const NcclCall& b) {
  bool same = a.kind == b.kind && a.count == b.count && a.dtype == b.dtype;
  if (a.kind == Kind::kAllReduce || a.kind == Kind::kReduceScatter ||
      a.kind == Kind::kReduce) {
    same = same && a.op == b.op;
  }
  if (a.kind == Kind::kReduce || a.kind == Kind::kBroadcast)
    same = same && a.root == b.root;
  return same;
}

// out = op over srcs in order (avg divides by `world`), host engine kernels.
void Reduce(const NcclCall& c, uint32_t world, const std::vector<const std::byte*>& srcs,
            uint64_t offset_bytes, std::byte* out) {
  const host::ReduceKernel& k = *host::FindReduceKernel(c.dtype, c.op);
  struct alignas(64) Line {
    std::byte b[64];
  };
  std::vector<Line> acc((c.count * k.acc_size + 63) / 64 + 1);
  k.load(acc.data(), srcs[0] + offset_bytes, c.count);
  for (size_t s = 1; s < srcs.size(); ++s) {
    k.accumulate(acc.data(), srcs[s] + offset_bytes, c.count);
  }
  k.store(acc.data(), c.count, world, out);
}

// Runs the k-th collective of every rank from the snapshots `in` (by rank).
void RunCollective(const std::vector<const NcclCall*>& calls,
                   const std::vector<const std::byte*>& in) {
  const auto world = static_cast<uint32_t>(calls.size());
  const NcclCall& c = *calls[0];
  const uint64_t b = c.count * DataTypeSize(c.dtype);
  for (uint32_t r = 0; r < world; ++r) {
    auto* recv = static_cast<std::byte*>(calls[r]->recv);
    switch (c.kind) {
      case Kind::kAllReduce:
        Reduce(c, world, in, 0, recv);
        break;
      case Kind::kAllGather:
        for (uint32_t s = 0; s < world; ++s) std::memcpy(recv + s * b, in[s], b);
        break;
      case Kind::kReduceScatter:
        Reduce(c, world, in, r * b, recv);
        break;
      case Kind::kReduce:
        if (r == c.root) Reduce(c, world, in, 0, recv);
        break;
      case Kind::kBroadcast:
        std::memcpy(recv, in[c.root], b);
        break;
      case Kind::kSend:
      case Kind::kRecv:
        break;
    }
  }
}

}  // namespace

Status SimulateNccl(std::span<const std::vector<NcclCall>> calls) {
  const auto world = static_cast<uint32_t>(calls.size());
  // Collectives by position, point-to-point by (src, dst) in order.
  std::vector<std::vector<size_t>> colls(world);
  std::map<std::pair<uint32_t, uint32_t>, std::vector<size_t>> sends, recvs;
  for (uint32_t r = 0; r < world; ++r) {
    RETURN_IF_ERROR(CheckHazards(calls[r], r, world));
    for (size_t i = 0; i < calls[r].size(); ++i) {
      const NcclCall& c = calls[r][i];
      if (IsCollective(c)) {
        colls[r].push_back(i);
      } else if (c.peer >= world) {
        return InvalidArgument(Where(r, i) + " names peer " + std::to_string(c.peer));
      } else if (c.kind == Kind::kSend) {
        sends[{r, c.peer}].push_back(i);
      } else {
        recvs[{c.peer, r}].push_back(i);
      }
    }
  }
  for (uint32_t r = 1; r < world; ++r) {
    if (colls[r].size() != colls[0].size()) {
      return InvalidArgument("rank " + std::to_string(r) + " issues " +
                             std::to_string(colls[r].size()) + " collectives, rank 0 " +
                             std::to_string(colls[0].size()));
    }
    for (size_t k = 0; k < colls[r].size(); ++k) {
      if (!SameCollective(calls[0][colls[0][k]], calls[r][colls[r][k]])) {
        return InvalidArgument("collective " + std::to_string(k) + " of rank " +
                               std::to_string(r) + " differs from rank 0's");
      }
      const NcclCall& c = calls[r][colls[r][k]];
      if ((c.kind == Kind::kReduce || c.kind == Kind::kBroadcast) && c.root >= world) {
        return InvalidArgument(Where(r, colls[r][k]) + " has root " +
                               std::to_string(c.root));
      }
    }
  }
  for (const auto& [key, list] : sends) {
    const std::vector<size_t>& matched = recvs[key];
    const std::string pair =
        std::to_string(key.first) + "->" + std::to_string(key.second);
    if (matched.size() != list.size()) {
      return InvalidArgument(pair + ": " + std::to_string(list.size()) + " sends, " +
                             std::to_string(matched.size()) + " recvs");
    }
    for (size_t k = 0; k < list.size(); ++k) {
      const NcclCall& s = calls[key.first][list[k]];
      const NcclCall& d = calls[key.second][matched[k]];
      if (s.count != d.count || s.dtype != d.dtype) {
        return InvalidArgument(pair + ": send " + std::to_string(k) + " of " +
                               std::to_string(s.count) + " elements meets a recv of " +
                               std::to_string(d.count));
      }
    }
  }
  for (const auto& [key, list] : recvs) {
    if (!list.empty() && sends[key].size() != list.size()) {
      return InvalidArgument(std::to_string(key.first) + "->" +
                             std::to_string(key.second) + ": " +
                             std::to_string(list.size()) + " recvs without sends");
    }
  }

  // Every rank's inputs are read before any output is written (the checks
  // above make the order of concurrent calls irrelevant).
  std::vector<std::vector<Bytes>> snapshot(world);
  for (uint32_t r = 0; r < world; ++r) {
    for (const NcclCall& c : calls[r]) {
      Range read = AccessOf(c, r, world).read;
      snapshot[r].emplace_back(read.p, read.p + read.bytes);
    }
  }
  for (size_t k = 0; k < colls[0].size(); ++k) {
    std::vector<const NcclCall*> kth;
    std::vector<const std::byte*> in;
    for (uint32_t r = 0; r < world; ++r) {
      kth.push_back(&calls[r][colls[r][k]]);
      in.push_back(snapshot[r][colls[r][k]].data());
    }
    RunCollective(kth, in);
  }
  for (const auto& [key, list] : sends) {
    const std::vector<size_t>& matched = recvs[key];
    for (size_t k = 0; k < list.size(); ++k) {
      const Bytes& data = snapshot[key.first][list[k]];
      std::memcpy(calls[key.second][matched[k]].recv, data.data(), data.size());
    }
  }
  return Status::Ok();
}

}  // namespace ccs::cuda::testing
