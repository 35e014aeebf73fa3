#include "client/bench/gloo_baseline.h"

#include <stdlib.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "client/bench/gloo_rank.h"
#include "client/bench/launcher.h"
#include "client/bench/layout.h"

namespace ccs::bench {
namespace {

// A fresh directory under the system's temporary directory ($TMPDIR or
// /tmp), removed with everything in it when this object goes. Forked ranks
// leave by _exit() and so never remove it themselves.
class TempDir {
 public:
  // Throws std::system_error when the directory cannot be made.
  TempDir() {
    std::string path =
        (std::filesystem::temp_directory_path() / "ccs-bench-gloo.XXXXXX").string();
    if (mkdtemp(path.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + path);
    }
    path_ = path;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// `n` result slots in memory shared with the processes forked after this
// (MAP_SHARED | MAP_ANONYMOUS), zeroed; unmapped when this object goes.
class SharedSlots {
 public:
  // Throws std::system_error when the mapping fails.
  explicit SharedSlots(size_t n) : bytes_(std::max<size_t>(n, 1) * sizeof(GlooSlot)) {
    void* p =
        mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      throw std::system_error(errno, std::generic_category(), "mmap of result slots");
    }
    slots_ = static_cast<GlooSlot*>(p);
  }
  ~SharedSlots() { munmap(slots_, bytes_); }
  SharedSlots(const SharedSlots&) = delete;
  SharedSlots& operator=(const SharedSlots&) = delete;
  GlooSlot* data() { return slots_; }

 private:
  size_t bytes_;
  GlooSlot* slots_ = nullptr;
};

size_t SlotCount(const BenchOptions& options) {
  size_t n = 0;
  for (CollectiveKind kind : GlooCollectives(options)) {
    n += BenchLayouts(options, kind).size();
  }
  return n;
}

// Rank 0's slots as rows, in GlooCollectives / BenchLayouts order.
std::map<CollectiveKind, std::vector<ResultRow>> RowsOf(const BenchOptions& o,
                                                        const GlooSlot* slots) {
  std::map<CollectiveKind, std::vector<ResultRow>> rows;
  size_t i = 0;
  for (CollectiveKind kind : GlooCollectives(o)) {
    std::optional<ReduceOp> op;
    if (IsReduction(kind)) op = o.op;
    for (const Layout& layout : BenchLayouts(o, kind)) {
      const GlooSlot& s = slots[i++];
      std::optional<uint64_t> wrong;
      if (o.check) wrong = static_cast<uint64_t>(s.wrong);
      rows[kind].push_back(MakeRow(kind, layout, o.dtype, op, o.ranks, s.time_us, wrong));
    }
  }
  return rows;
}

}  // namespace

std::string GlooUnsupported(CollectiveKind kind, DataType dtype, ReduceOp op) {
  switch (kind) {
    case CollectiveKind::kAllGather:
    case CollectiveKind::kBroadcast:
      return "";
    case CollectiveKind::kAllReduce:
      if (op == ReduceOp::kAvg) return "Gloo has no avg reduction";
      if (dtype == DataType::kBfloat16) return "Gloo has no bfloat16 arithmetic";
      if (dtype == DataType::kFloat8E4m3 || dtype == DataType::kFloat8E5m2) {
        return "Gloo has no float8 arithmetic";
      }
      return "";
    default:
      return "the Gloo baseline runs all_reduce, all_gather and broadcast only";
  }
}

std::vector<CollectiveKind> GlooCollectives(const BenchOptions& options) {
  std::vector<CollectiveKind> kinds;
  for (CollectiveKind kind : options.collectives) {
    if (GlooUnsupported(kind, options.dtype, options.op).empty()) kinds.push_back(kind);
  }
  return kinds;
}

std::string DescribeGlooBaseline(const BenchOptions& options) {
  std::string out = std::to_string(options.ranks) +
                    " processes, Gloo TCP transport on 127.0.0.1, FileStore rendezvous; "
                    "same sizes, warmup, iters and timing";
  // Skipped collectives, grouped by reason, in the order of their first.
  std::vector<std::pair<std::string, std::string>> skipped;  // reason, names
  for (CollectiveKind kind : options.collectives) {
    const std::string why = GlooUnsupported(kind, options.dtype, options.op);
    if (why.empty()) continue;
    auto it = std::find_if(skipped.begin(), skipped.end(),
                           [&](const auto& s) { return s.first == why; });
    if (it == skipped.end()) it = skipped.insert(skipped.end(), {why, ""});
    it->second += (it->second.empty() ? "" : ", ") + std::string(CollectiveName(kind));
  }
  for (const auto& [why, names] : skipped) out += "; no " + names + " (" + why + ")";
  return out;
}

GlooRun RunGlooBaseline(const BenchOptions& options, std::chrono::seconds deadline) {
  GlooRun run;
  try {
    TempDir dir;
    SharedSlots slots(SlotCount(options));
    run.exit_code = RunRanks(
        options.ranks,
        [&](uint32_t rank) {
          return RunGlooRank(options, rank, dir.path(), slots.data());
        },
        deadline);
    if (run.exit_code != kExitRankFailed) run.rows = RowsOf(options, slots.data());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ccs-bench: gloo baseline: %s\n", e.what());
    run.exit_code = kExitRankFailed;
  }
  return run;
}

}  // namespace ccs::bench
