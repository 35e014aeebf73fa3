// Parsing of the machine-readable lines ccs-test-rank prints:
//   RESULT step=op code=ABORTED elapsed_ms=12 t_ms=345 message=rank 2 (pid 77) died
// `message=` is always last and runs to the end of the line (newlines in it
// are written as "\n").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ccs::it {

using ResultLine = std::map<std::string, std::string>;

// Every "RESULT ..." line of `output`, in order.
std::vector<ResultLine> ParseResultLines(const std::string& output);

// The first RESULT line whose step=`step`; an empty map when there is none.
ResultLine FindStep(const std::string& output, const std::string& step);

// Value of `key` in `line`, or "" when absent.
std::string Get(const ResultLine& line, const std::string& key);
// Integer value of `key`; `fallback` when absent or not a number.
int64_t GetInt(const ResultLine& line, const std::string& key, int64_t fallback = -1);

// Whether an error message names rank `rank`: "rank 2", "rank=2", "ranks [0, 2]",
// "ranks 1,2", "rank: 2" (case-insensitive).
bool MentionsRank(const std::string& message, uint32_t rank);

// Whether `number` occurs in `text` as a whole number (not part of a longer
// digit run).
bool MentionsNumber(const std::string& text, int64_t number);

}  // namespace ccs::it
