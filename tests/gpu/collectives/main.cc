// ccs-gpu-collectives: every collective through a real ccsd on device
// buffers, N client processes sharing GPU 0 (tests/gpu/collectives/).
//
//   ccs-gpu-collectives --ranks N [--seed S] [--ccsd PATH] [--log-dir DIR]
//                       [--timeout-s T]
//   ccs-gpu-collectives worker RANK WORLD ADDRESS GROUP SEED   (internal)
//
// Exit codes: 0 every check passed, 1 something failed, 2 usage, 77 no CUDA
// device (ctest: Skipped; the reason is printed).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/gpu/collectives/driver.h"
#include "tests/gpu/collectives/rank.h"

namespace {

using ccs::gputest::DriverArgs;
using ccs::gputest::RankArgs;

int Usage() {
  std::fprintf(stderr,
               "usage: ccs-gpu-collectives --ranks N [--seed S] [--ccsd PATH] "
               "[--log-dir DIR] [--timeout-s T]\n");
  return 2;
}

std::string SelfPath(const char* argv0) {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string(argv0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 7 && std::string(argv[1]) == "worker") {
    RankArgs r;
    r.rank = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
    r.world = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10));
    r.address = argv[4];
    r.group = argv[5];
    r.seed = std::strtoull(argv[6], nullptr, 10);
    return ccs::gputest::RunRank(r);
  }
  DriverArgs d;
  d.self = SelfPath(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return Usage();
    const char* value = argv[++i];
    if (flag == "--ranks") {
      d.ranks = static_cast<uint32_t>(std::strtoul(value, nullptr, 10));
    } else if (flag == "--seed") {
      d.seed = std::strtoull(value, nullptr, 10);
    } else if (flag == "--ccsd") {
      d.ccsd = value;
    } else if (flag == "--log-dir") {
      d.log_dir = value;
    } else if (flag == "--timeout-s") {
      d.timeout_s = static_cast<uint32_t>(std::strtoul(value, nullptr, 10));
    } else {
      return Usage();
    }
  }
  if (d.ranks < 1 || d.ranks > 16) return Usage();
  return ccs::gputest::RunDriver(d);
}
