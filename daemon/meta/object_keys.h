// MetaKeys: where the metadata plane of one group epoch lives in the
// rendezvous Store. Everything sits under the epoch's own namespace,
// "ccs/groups/<name>/<epoch>/" (the layout of daemon/cluster/wire.h), so an
// old epoch's leftovers can never be read by a new one:
//
//   obj/<n>/<rank>                   header of rank's part in object op n
//   obj/<n>/<rank>/<part>/<chunk>    payload chunks (a part per destination)
//   obj/<n>/done                     readers finished (the last one deletes)
//   p2p/<src>-<dst>/<n>              header of send n on channel src -> dst
//   p2p/<src>-<dst>/<n>/<chunk>      its payload chunks
//   kv/<key>                         the group's key-value scope
//   broken                           why the epoch broke (written by cluster)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ccs::meta {

class MetaKeys {
 public:
  MetaKeys(std::string group, uint64_t epoch);

  // "ccs/groups/<name>/<epoch>".
  const std::string& base() const { return base_; }
  std::string Header(uint64_t n, uint32_t rank) const;
  std::string Chunk(uint64_t n, uint32_t rank, uint32_t part, uint64_t chunk) const;
  std::string Done(uint64_t n) const;
  std::string P2pHeader(uint32_t src, uint32_t dst, uint64_t n) const;
  std::string P2pChunk(uint32_t src, uint32_t dst, uint64_t n, uint64_t chunk) const;
  std::string Kv(std::string_view key) const;
  std::string Broken() const;

 private:
  std::string base_;
};

}  // namespace ccs::meta
