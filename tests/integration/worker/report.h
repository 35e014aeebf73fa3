// Machine-readable output of ccs-test-rank, parsed by harness/result_lines.h:
//   RESULT step=<step> code=<CODE> elapsed_ms=<n> t_ms=<monotonic ms> [k=v ...]
//   message=<text>
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ccs/error.h"

namespace ccs::it {

int64_t NowMs();  // CLOCK_MONOTONIC, comparable with the driver's clock

struct Outcome {
  std::string code = "OK";  // "OK" or the ccs::Error code name
  std::string message;
  int64_t started_ms = 0;
  int64_t ended_ms = 0;
};

// Runs fn(); records how it ended (a ccs::Error becomes its code; any other
// exception is code=EXCEPTION).
template <typename Fn>
Outcome Attempt(Fn&& fn) {
  Outcome o;
  o.started_ms = NowMs();
  try {
    fn();
  } catch (const Error& e) {
    o.code = std::string(CodeName(e.code()));
    o.message = e.message();
  } catch (const std::exception& e) {
    o.code = "EXCEPTION";
    o.message = e.what();
  }
  o.ended_ms = NowMs();
  return o;
}

// Prints one RESULT line (and flushes stdout).
void PrintResult(const std::string& step, const Outcome& o,
                 const std::vector<std::pair<std::string, std::string>>& extra = {});
// Prints a free-form progress line such as "JOINED" (and flushes).
void PrintLine(const std::string& line);

}  // namespace ccs::it
