#include "worker/args.h"

#include <sstream>

namespace ccs::it {
namespace {

uint64_t ParseU64(const std::string& key, const std::string& v) {
  try {
    size_t used = 0;
    uint64_t n = std::stoull(v, &used, 0);
    if (used == v.size() && !v.empty() && v[0] != '-') return n;
  } catch (...) {
  }
  throw UsageError("--" + key + ": not an unsigned number: '" + v + "'");
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

Args::Args(int argc, char** argv) {
  if (argc < 2) throw UsageError("missing scenario");
  scenario_ = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + a + "'");
    std::string key = a.substr(2);
    bool has_value = i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0;
    values_[key] = has_value ? argv[++i] : "";
  }
}

std::string Args::Str(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw UsageError("missing --" + key);
  return it->second;
}

std::string Args::Str(const std::string& key, const std::string& fallback) const {
  return Has(key) ? Str(key) : fallback;
}

uint64_t Args::U64(const std::string& key) const { return ParseU64(key, Str(key)); }

uint64_t Args::U64(const std::string& key, uint64_t fallback) const {
  return Has(key) ? U64(key) : fallback;
}

std::vector<uint64_t> Args::U64List(const std::string& key,
                                    std::vector<uint64_t> fallback) const {
  if (!Has(key)) return fallback;
  std::vector<uint64_t> out;
  for (const auto& item : Split(Str(key))) out.push_back(ParseU64(key, item));
  return out;
}

std::vector<std::string> Args::StrList(const std::string& key,
                                       std::vector<std::string> fallback) const {
  return Has(key) ? Split(Str(key)) : fallback;
}

}  // namespace ccs::it
