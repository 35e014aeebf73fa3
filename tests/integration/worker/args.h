// Command line of ccs-test-rank: `<scenario> --key value ... --flag`.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccs::it {

// Thrown for a malformed command line; main prints it and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // argv[1] is the scenario; the rest are `--key value` pairs or `--flag`s
  // (a flag is a key not followed by a value, i.e. followed by another --key).
  Args(int argc, char** argv);

  const std::string& scenario() const { return scenario_; }
  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  // Throws UsageError when a required key is missing or malformed.
  std::string Str(const std::string& key) const;
  std::string Str(const std::string& key, const std::string& fallback) const;
  uint64_t U64(const std::string& key) const;
  uint64_t U64(const std::string& key, uint64_t fallback) const;
  // Comma-separated unsigned numbers; `fallback` when absent.
  std::vector<uint64_t> U64List(const std::string& key,
                                std::vector<uint64_t> fallback = {}) const;
  // Comma-separated words.
  std::vector<std::string> StrList(const std::string& key,
                                   std::vector<std::string> fallback = {}) const;

 private:
  std::string scenario_;
  std::map<std::string, std::string> values_;
};

}  // namespace ccs::it
