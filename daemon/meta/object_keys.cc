#include "daemon/meta/object_keys.h"

namespace ccs::meta {

MetaKeys::MetaKeys(std::string group, uint64_t epoch)
    : base_("ccs/groups/" + group + "/" + std::to_string(epoch)) {}

std::string MetaKeys::Header(uint64_t n, uint32_t rank) const {
  return base_ + "/obj/" + std::to_string(n) + "/" + std::to_string(rank);
}

std::string MetaKeys::Chunk(uint64_t n, uint32_t rank, uint32_t part,
                            uint64_t chunk) const {
  return Header(n, rank) + "/" + std::to_string(part) + "/" + std::to_string(chunk);
}

std::string MetaKeys::Done(uint64_t n) const {
  return base_ + "/obj/" + std::to_string(n) + "/done";
}

std::string MetaKeys::P2pHeader(uint32_t src, uint32_t dst, uint64_t n) const {
  return base_ + "/p2p/" + std::to_string(src) + "-" + std::to_string(dst) + "/" +
         std::to_string(n);
}

std::string MetaKeys::P2pChunk(uint32_t src, uint32_t dst, uint64_t n,
                               uint64_t chunk) const {
  return P2pHeader(src, dst, n) + "/" + std::to_string(chunk);
}

std::string MetaKeys::Kv(std::string_view key) const {
  return base_ + "/kv/" + std::string(key);
}

std::string MetaKeys::Broken() const { return base_ + "/broken"; }

}  // namespace ccs::meta
