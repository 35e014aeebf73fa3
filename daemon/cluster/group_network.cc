#include "daemon/cluster/group_network.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "daemon/cluster/cross_node_ops.h"
#include "daemon/cluster/metered_node_comm.h"

namespace ccs::cluster {
namespace {

using std::chrono::milliseconds;
using rendezvous::Store;

constexpr Store::Ttl kBrokenTtl = std::chrono::hours(6);
constexpr Store::Ttl kExchangeTtl = std::chrono::hours(6);
// Point-to-point slots: a prefix Gloo's own collectives never use.
constexpr uint64_t kTransferSlotPrefix = uint64_t{0xcc} << 56;

// The epoch's keys under "<E>/exchange/".
class StoreExchange final : public GroupExchange {
 public:
  StoreExchange(Store* store, std::string prefix) : store_(store), prefix_(std::move(prefix)) {}

  Status Set(const std::string& key, const std::string& value) override {
    return store_->Set(prefix_ + key, value, kExchangeTtl);
  }
  StatusOr<std::string> Get(const std::string& key, Clock::time_point deadline) override {
    RETURN_IF_ERROR(store_->Wait({prefix_ + key}, deadline));
    return store_->Get(prefix_ + key);
  }

 private:
  Store* const store_;
  const std::string prefix_;
};

class GlooGroupNetwork final : public GroupNetwork {
 public:
  GlooGroupNetwork(Topology topology, std::unique_ptr<gloo_engine::NodeComm> comm,
                   std::shared_ptr<Store> store, Engine* local, ClusterOptions options,
                   GroupKeys keys, uint64_t epoch)
      : topo_(std::move(topology)),
        comm_(std::move(comm)),
        store_(std::move(store)),
        options_(std::move(options)),
        keys_(std::move(keys)),
        epoch_(epoch),
        exchange_(store_.get(), keys_.Epoch(epoch_, "exchange/")) {
    if (comm_) {
      cross_ = std::make_unique<CrossNode>(topo_, *comm_, *local, keys_.name,
                                           options_.chunk_bytes);
    }
  }

  ~GlooGroupNetwork() override {
    if (comm_) comm_->Close();
  }

  const Topology& topology() const override { return topo_; }
  GroupExchange* exchange() override { return &exchange_; }

  Status RunCollective(uint64_t seq, const CollectiveCall& call, const OpPlan& local_plan,
                       Clock::time_point deadline) override {
    if (!cross_) return Internal("group has no other node to run a network step with");
    Status s = cross_->Run(seq, call, local_plan, deadline, options_.op_timeout);
    if (s.ok() || s.code() == StatusCode::kInvalidArgument) return s;
    return Explain(s, std::string(CollectiveName(call.kind)) + " at sequence " +
                          std::to_string(seq));
  }

  StatusOr<std::unique_ptr<Transfer>> StartTransfer(uint32_t src, uint32_t dst, uint64_t seq,
                                                    const RankIo& io, uint64_t bytes) override {
    if (!comm_) return Internal("group has no other node to transfer to");
    const bool sending = topo_.node_of[src] == topo_.self;
    const std::string what = std::string(sending ? "send" : "recv") + " from rank " +
                             std::to_string(src) + " to rank " + std::to_string(dst);
    std::unique_ptr<gloo_engine::NodeComm::Pending> pending;
    if (bytes > 0) {  // both sides know the count: nothing to move for 0
      const uint64_t slot = kTransferSlotPrefix | (uint64_t{src & 0xfffff} << 36) |
                            (uint64_t{dst & 0xfffff} << 16) | (seq & 0xffff);
      auto posted = sending ? comm_->PostSend(io.in, bytes, static_cast<int>(topo_.node_of[dst]), slot)
                            : comm_->PostRecv(io.out, bytes, static_cast<int>(topo_.node_of[src]), slot);
      if (!posted.ok()) return Explain(posted.status(), what);
      pending = std::move(posted.value());
    }
    return std::unique_ptr<Transfer>(new GlooTransfer(this, std::move(pending), what));
  }

  void Break(const Status& why) override {
    {
      std::lock_guard lock(mu_);
      if (broken_) return;
      broken_ = true;
    }
    // The first node to break names the cause for everyone.
    const std::string text = EncodeStatus(Status(why.code(), why.message() + " (on node " +
                                                                 options_.node_name + ")"));
    StatusOr<Store::CasResult> r =
        store_->CompareAndSet(keys_.Epoch(epoch_, "broken"), "", text, kBrokenTtl);
    if (!r.ok()) {
      spdlog::warn("group '{}' epoch {}: could not record why it broke in the store: {}",
                   keys_.name, epoch_, r.status().ToString());
    }
    if (comm_) comm_->Close();
  }

 private:
  class GlooTransfer final : public Transfer {
   public:
    GlooTransfer(GlooGroupNetwork* network, std::unique_ptr<gloo_engine::NodeComm::Pending> p,
                 std::string what)
        : network_(network), pending_(std::move(p)), what_(std::move(what)) {}
    Status Wait(Clock::time_point deadline) override {
      if (!pending_) return Status::Ok();
      const auto left = std::max(
          std::chrono::duration_cast<milliseconds>(deadline - Clock::now()), milliseconds(1));
      Status s = pending_->Wait(left);
      return s.ok() ? s : network_->Explain(s, what_);
    }

   private:
    GlooGroupNetwork* const network_;
    std::unique_ptr<gloo_engine::NodeComm::Pending> pending_;
    const std::string what_;
  };

  // A network step failed with `error`: the reason another node recorded
  // when it broke the group, or else the nodes this one lost contact with.
  Status Explain(const Status& error, const std::string& what) {
    StatusOr<std::string> reason = store_->Get(keys_.Epoch(epoch_, "broken"));
    if (reason.ok()) {
      Status remote = DecodeStatus(reason.value());
      if (!remote.ok()) {
        return Status(remote.code() == StatusCode::kDeadlineExceeded ? remote.code()
                                                                     : StatusCode::kAborted,
                      remote.message());
      }
    }
    std::string others;
    for (size_t k = 0; k < topo_.nodes.size(); ++k) {
      if (k == topo_.self) continue;
      others += (others.empty() ? "" : ", ") + topo_.nodes[k] + " (" + topo_.node_addresses[k] + ")";
    }
    const bool one = topo_.nodes.size() == 2;
    return Unavailable("group '" + keys_.name + "' lost " + (one ? "node " : "one of nodes ") +
                       others + " during " + what + ": " + error.message() +
                       "; the group is BROKEN, form it again once the node is back");
  }

  const Topology topo_;
  const std::unique_ptr<gloo_engine::NodeComm> comm_;
  const std::shared_ptr<Store> store_;
  const ClusterOptions options_;
  const GroupKeys keys_;
  const uint64_t epoch_;
  StoreExchange exchange_;
  std::unique_ptr<CrossNode> cross_;
  std::mutex mu_;
  bool broken_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<GroupNetwork>> ConnectGroupNetwork(
    std::vector<RankRecord> records, std::shared_ptr<rendezvous::Store> store, Engine* local,
    const ClusterOptions& options, const GroupKeys& keys, uint64_t epoch,
    Clock::time_point deadline) {
  ASSIGN_OR_RETURN(Topology topo, BuildTopology(std::move(records), options.node_name));
  std::unique_ptr<gloo_engine::NodeComm> comm;
  if (topo.multi_node()) {
    gloo_engine::NodeCommOptions o;
    o.rank = static_cast<int>(topo.self);
    o.size = static_cast<int>(topo.nodes.size());
    o.store_prefix = keys.Epoch(epoch, "gloo");
    o.hostname = options.data_host;
    o.timeout = std::max(std::chrono::duration_cast<milliseconds>(deadline - Clock::now()),
                         milliseconds(1));
    ASSIGN_OR_RETURN(comm, gloo_engine::ConnectNodeComm(store, o));
    comm = MeterNodeComm(std::move(comm), options.link_observer);
  }
  return MakeGlooGroupNetwork(std::move(topo), std::move(comm), std::move(store), local,
                              options, keys, epoch);
}

std::unique_ptr<GroupNetwork> MakeGlooGroupNetwork(
    Topology topology, std::unique_ptr<gloo_engine::NodeComm> comm,
    std::shared_ptr<rendezvous::Store> store, Engine* local, const ClusterOptions& options,
    GroupKeys keys, uint64_t epoch) {
  return std::make_unique<GlooGroupNetwork>(std::move(topology), std::move(comm),
                                            std::move(store), local, options, std::move(keys),
                                            epoch);
}

}  // namespace ccs::cluster
