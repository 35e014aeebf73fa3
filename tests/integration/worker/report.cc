#include "worker/report.h"

#include <time.h>

#include <cstdio>

namespace ccs::it {

int64_t NowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void PrintResult(const std::string& step, const Outcome& o,
                 const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string msg;
  for (char ch : o.message) {
    if (ch == '\n')
      msg += "\\n";
    else
      msg += ch;
  }
  std::string line = "RESULT step=" + step + " code=" + o.code +
                     " elapsed_ms=" + std::to_string(o.ended_ms - o.started_ms) +
                     " t_ms=" + std::to_string(o.ended_ms);
  for (const auto& [k, v] : extra) line += " " + k + "=" + v;
  line += " message=" + msg;
  PrintLine(line);
}

void PrintLine(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace ccs::it
