#include "daemon/cluster/store_round.h"

#include <charconv>

#include "daemon/cluster/group_network.h"

namespace ccs::cluster {
namespace {

using rendezvous::Store;

// Round keys outlive any formation; a formed group needs them only while
// connecting.
constexpr Store::Ttl kRoundTtl = std::chrono::hours(6);
// Attempts to open or join a round while other daemons race for it.
constexpr int kOpenAttempts = 16;

std::optional<uint64_t> OpenEpoch(const std::string& round) {
  const auto colon = round.find(':');
  if (colon == std::string::npos || round.substr(colon) != ":open") return std::nullopt;
  uint64_t epoch = 0;
  auto [end, ec] = std::from_chars(round.data(), round.data() + colon, epoch);
  if (ec != std::errc() || end != round.data() + colon) return std::nullopt;
  return epoch;
}

// The value of `key`, or "" when it does not exist.
StatusOr<std::string> GetOrEmpty(Store& store, const std::string& key) {
  StatusOr<std::string> v = store.Get(key);
  if (!v.ok() && v.status().code() == StatusCode::kNotFound) return std::string();
  return v;
}

class StoreRound final : public FormationRound {
 public:
  StoreRound(std::shared_ptr<Store> store, Engine* local, ClusterOptions options,
             GroupKeys keys, uint64_t epoch, uint32_t world_size)
      : store_(std::move(store)),
        local_(local),
        options_(std::move(options)),
        keys_(std::move(keys)),
        epoch_(epoch),
        world_size_(world_size) {}

  uint64_t epoch() const override { return epoch_; }

  Status Register(uint32_t rank, const RankRecord& record) override {
    const std::string world = std::to_string(world_size_);
    ASSIGN_OR_RETURN(Store::CasResult w,
                     store_->CompareAndSet(Key("world"), "", world, kRoundTtl));
    if (!w.swapped && w.current != world) {
      return InvalidArgument("group '" + keys_.name + "' epoch " + std::to_string(epoch_) +
                             " is forming with world size " + w.current +
                             ", but this join says " + world +
                             "; every rank must pass the same");
    }
    const std::string mine = EncodeRecord(record);
    ASSIGN_OR_RETURN(Store::CasResult r, store_->CompareAndSet(Key("rank/" + std::to_string(rank)),
                                                               "", mine, kRoundTtl));
    if (!r.swapped) {
      if (r.current == mine) return Status::Ok();
      std::optional<RankRecord> holder = DecodeRecord(r.current);
      return AlreadyExists("rank " + std::to_string(rank) + " of group '" + keys_.name +
                           "' epoch " + std::to_string(epoch_) + " is already taken" +
                           (holder ? " by pid " + std::to_string(holder->pid) + " on node " +
                                         holder->node
                                   : std::string()) +
                           "; each rank joins once");
    }
    ASSIGN_OR_RETURN(int64_t joined, store_->Add(Key("joined"), 1));
    if (joined == static_cast<int64_t>(world_size_)) {
      // Loses only to a failure another node wrote first; Await reports it.
      RETURN_IF_ERROR(store_->CompareAndSet(Key("result"), "", "ok", kRoundTtl).status());
      Close();
    }
    return Status::Ok();
  }

  std::optional<Status> Await(Clock::time_point until) override {
    Status waited = store_->Wait({Key("result")}, until);
    if (waited.code() == StatusCode::kDeadlineExceeded) return std::nullopt;
    if (!waited.ok()) return waited;
    StatusOr<std::string> result = store_->Get(Key("result"));
    if (!result.ok()) return result.status();
    return DecodeStatus(result.value());
  }

  StatusOr<std::vector<uint32_t>> Missing() override {
    std::vector<uint32_t> missing;
    for (uint32_t r = 0; r < world_size_; ++r) {
      ASSIGN_OR_RETURN(std::string v, GetOrEmpty(*store_, Key("rank/" + std::to_string(r))));
      if (v.empty()) missing.push_back(r);
    }
    return missing;
  }

  StatusOr<bool> Fail(const Status& why) override {
    ASSIGN_OR_RETURN(Store::CasResult r,
                     store_->CompareAndSet(Key("result"), "", EncodeStatus(why), kRoundTtl));
    Close();
    return r.swapped || r.current != "ok";
  }

  StatusOr<std::unique_ptr<GroupNetwork>> Connect(Clock::time_point deadline) override {
    std::vector<RankRecord> records;
    for (uint32_t r = 0; r < world_size_; ++r) {
      ASSIGN_OR_RETURN(std::string v, store_->Get(Key("rank/" + std::to_string(r))));
      std::optional<RankRecord> rec = DecodeRecord(v);
      if (!rec) return Internal("unreadable registration of rank " + std::to_string(r));
      records.push_back(std::move(*rec));
    }
    return ConnectGroupNetwork(std::move(records), store_, local_, options_, keys_, epoch_,
                               deadline);
  }

 private:
  std::string Key(const std::string& leaf) const { return keys_.Epoch(epoch_, leaf); }

  // No new ranks join this round once it has a result; a later join opens
  // the next epoch. Best effort: a stale "open" is detected by its result.
  void Close() {
    const std::string open = std::to_string(epoch_) + ":open";
    (void)store_->CompareAndSet(keys_.Round(), open, std::to_string(epoch_) + ":closed",
                                Store::kNoExpiry);
  }

  const std::shared_ptr<Store> store_;
  Engine* const local_;
  const ClusterOptions options_;
  const GroupKeys keys_;
  const uint64_t epoch_;
  const uint32_t world_size_;
};

}  // namespace

StatusOr<std::unique_ptr<FormationRound>> OpenStoreRound(std::shared_ptr<Store> store,
                                                         Engine* local,
                                                         const ClusterOptions& options,
                                                         const GroupKeys& keys,
                                                         uint32_t world_size) {
  for (int attempt = 0; attempt < kOpenAttempts; ++attempt) {
    ASSIGN_OR_RETURN(std::string round, GetOrEmpty(*store, keys.Round()));
    if (std::optional<uint64_t> open = OpenEpoch(round)) {
      ASSIGN_OR_RETURN(std::string result, GetOrEmpty(*store, keys.Epoch(*open, "result")));
      if (result.empty()) {
        return std::unique_ptr<FormationRound>(
            new StoreRound(store, local, options, keys, *open, world_size));
      }
    }
    ASSIGN_OR_RETURN(int64_t next, store->Add(keys.Epochs(), 1));
    const std::string desired = std::to_string(next) + ":open";
    ASSIGN_OR_RETURN(Store::CasResult cas,
                     store->CompareAndSet(keys.Round(), round, desired, Store::kNoExpiry));
    if (cas.swapped) {
      return std::unique_ptr<FormationRound>(new StoreRound(
          store, local, options, keys, static_cast<uint64_t>(next), world_size));
    }
  }
  return Unavailable("could not open a formation round of group '" + keys.name + "' after " +
                     std::to_string(kOpenAttempts) +
                     " attempts: other daemons keep changing it; retry the join");
}

}  // namespace ccs::cluster
