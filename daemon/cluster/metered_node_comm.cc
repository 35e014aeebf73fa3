#include "daemon/cluster/metered_node_comm.h"

#include <chrono>
#include <numeric>

namespace ccs::cluster {
namespace {

using gloo_engine::Millis;
using gloo_engine::NodeComm;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

size_t Sum(const std::vector<size_t>& v) { return std::accumulate(v.begin(), v.end(), size_t{0}); }

class MeteredPending final : public NodeComm::Pending {
 public:
  MeteredPending(std::unique_ptr<NodeComm::Pending> inner, LinkObserver* observer, bool send,
                 size_t bytes)
      : inner_(std::move(inner)), observer_(observer), send_(send), bytes_(bytes) {}
  Status Wait(Millis timeout) override {
    const Clock::time_point start = Clock::now();
    Status s = inner_->Wait(timeout);
    NetworkStep step{send_ ? bytes_ : 0, send_ ? 0 : bytes_, SecondsSince(start), s.ok()};
    observer_->OnNetworkStep(step);
    return s;
  }

 private:
  std::unique_ptr<NodeComm::Pending> inner_;
  LinkObserver* const observer_;
  const bool send_;
  const size_t bytes_;
};

class MeteredNodeComm final : public NodeComm {
 public:
  MeteredNodeComm(std::unique_ptr<NodeComm> inner, LinkObserver* observer)
      : inner_(std::move(inner)), observer_(observer) {}

  int rank() const override { return inner_->rank(); }
  int size() const override { return inner_->size(); }

  Status AllReduce(void* buf, size_t count, DataType dtype, ReduceOp op,
                   Millis timeout) override {
    const size_t bytes = count * DataTypeSize(dtype);
    return Metered(bytes, bytes, [&] { return inner_->AllReduce(buf, count, dtype, op, timeout); });
  }
  Status Reduce(void* buf, size_t count, DataType dtype, ReduceOp op, int root,
                Millis timeout) override {
    const size_t bytes = count * DataTypeSize(dtype);
    return Metered(bytes, bytes,
                   [&] { return inner_->Reduce(buf, count, dtype, op, root, timeout); });
  }
  Status Broadcast(void* buf, size_t bytes, int root, Millis timeout) override {
    const bool mine = root == rank();
    return Metered(mine ? bytes : 0, mine ? 0 : bytes,
                   [&] { return inner_->Broadcast(buf, bytes, root, timeout); });
  }
  Status AllGatherV(const void* in, size_t in_bytes, void* out,
                    const std::vector<size_t>& bytes_per_node, Millis timeout) override {
    return Metered(in_bytes, Sum(bytes_per_node) - in_bytes, [&] {
      return inner_->AllGatherV(in, in_bytes, out, bytes_per_node, timeout);
    });
  }
  Status AllToAllV(const void* in, const std::vector<size_t>& send_bytes, void* out,
                   const std::vector<size_t>& recv_bytes, Millis timeout) override {
    const auto self = static_cast<size_t>(rank());
    const size_t own_send = self < send_bytes.size() ? send_bytes[self] : 0;
    const size_t own_recv = self < recv_bytes.size() ? recv_bytes[self] : 0;
    return Metered(Sum(send_bytes) - own_send, Sum(recv_bytes) - own_recv, [&] {
      return inner_->AllToAllV(in, send_bytes, out, recv_bytes, timeout);
    });
  }
  StatusOr<std::unique_ptr<Pending>> PostSend(const void* buf, size_t bytes, int dst,
                                              uint64_t slot) override {
    return Post(inner_->PostSend(buf, bytes, dst, slot), true, bytes);
  }
  StatusOr<std::unique_ptr<Pending>> PostRecv(void* buf, size_t bytes, int src,
                                              uint64_t slot) override {
    return Post(inner_->PostRecv(buf, bytes, src, slot), false, bytes);
  }
  void Close() override { inner_->Close(); }

 private:
  template <typename Call>
  Status Metered(size_t sent, size_t received, Call call) {
    const Clock::time_point start = Clock::now();
    Status s = call();
    observer_->OnNetworkStep(NetworkStep{sent, received, SecondsSince(start), s.ok()});
    return s;
  }

  StatusOr<std::unique_ptr<Pending>> Post(StatusOr<std::unique_ptr<Pending>> posted, bool send,
                                          size_t bytes) {
    if (!posted.ok()) {
      observer_->OnNetworkStep(NetworkStep{0, 0, 0, false});
      return posted.status();
    }
    return std::unique_ptr<Pending>(
        new MeteredPending(std::move(posted.value()), observer_, send, bytes));
  }

  const std::unique_ptr<NodeComm> inner_;
  LinkObserver* const observer_;
};

}  // namespace

std::unique_ptr<NodeComm> MeterNodeComm(std::unique_ptr<NodeComm> comm, LinkObserver* observer) {
  if (observer == nullptr || comm == nullptr) return comm;
  return std::make_unique<MeteredNodeComm>(std::move(comm), observer);
}

}  // namespace ccs::cluster
