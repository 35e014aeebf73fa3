// How formation rounds and broken groups are written into the Store: key
// names and the text encodings of RankRecord and Status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/core/cluster.h"
#include "daemon/core/status.h"

namespace ccs::cluster {

// Keys of group `name`; `epoch` keys belong to one formation round.
struct GroupKeys {
  std::string name;
  std::string Round() const { return "ccs/groups/" + name + "/round"; }
  std::string Epochs() const { return "ccs/groups/" + name + "/epochs"; }
  std::string Epoch(uint64_t epoch, const std::string& leaf) const {
    return "ccs/groups/" + name + "/" + std::to_string(epoch) + "/" + leaf;
  }
};

// "node\npeer_address\npid\nsession\ngpu" ("-" last when the rank named
// no GPU at join).
std::string EncodeRecord(const RankRecord& r);
std::optional<RankRecord> DecodeRecord(const std::string& text);

// "<code number>\n<message>"; "ok" for OK.
std::string EncodeStatus(const Status& s);
Status DecodeStatus(const std::string& text);

}  // namespace ccs::cluster
