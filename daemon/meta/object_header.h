// ObjectHeader: what one rank published for one object op, and how ranks'
// headers are matched. Every rank of a group publishes a header for each of
// its object collectives (even a rank with no payload, e.g. a broadcast
// receiver), so every rank sees every other rank's call and a mismatch is
// reported to all of them alike, naming a rank and call of each side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccs::meta {

enum class ObjectKind : uint8_t { kBroadcast, kAllGather, kScatter, kSend, kRecv };

// "broadcast_object", "all_gather_object", ...
std::string_view ObjectKindName(ObjectKind kind);

struct ObjectHeader {
  ObjectKind kind = ObjectKind::kBroadcast;
  uint32_t root = 0;  // broadcast, scatter; 0 otherwise
  // Bytes of each part this rank published: broadcast root and all_gather:
  // one; scatter root: one per destination rank; everyone else: none.
  std::vector<uint64_t> sizes;
};

// "<kind number> <root> <size>,<size>,..." (sizes may be empty).
std::string EncodeHeader(const ObjectHeader& h);
// nullopt when `text` is not an encoded header.
std::optional<ObjectHeader> DecodeHeader(std::string_view text);

// "broadcast_object(root 2)", "all_gather_object".
std::string DescribeObjectCall(const ObjectHeader& h);

// Empty when `b` (of rank rb) is the same call as `a` (of rank ra): same
// kind and root. Otherwise names both ranks and calls.
std::string ObjectMismatch(const ObjectHeader& a, uint32_t ra, const ObjectHeader& b,
                           uint32_t rb);

// Sum of sizes, saturating at UINT64_MAX.
uint64_t TotalBytes(const std::vector<uint64_t>& sizes);

}  // namespace ccs::meta
