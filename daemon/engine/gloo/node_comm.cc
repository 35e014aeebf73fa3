#include "daemon/engine/gloo/node_comm.h"

#include <gloo/allgatherv.h>
#include <gloo/allreduce.h>
#include <gloo/alltoallv.h>
#include <gloo/broadcast.h>
#include <gloo/reduce.h>
#include <gloo/transport/unbound_buffer.h>

#include <algorithm>
#include <mutex>

#include "daemon/engine/gloo/context.h"
#include "daemon/engine/gloo/error.h"
#include "daemon/engine/host/reduce_kernels.h"

namespace ccs::gloo_engine {
namespace {

// c[i] = op(a[i], b[i]) for Gloo, through the host engine's kernels (one
// rounding of 16-bit floats per step).
struct PairwiseReduce {
  const host::ReduceKernel* kernel;
  void operator()(void* c, const void* a, const void* b, size_t n) const {
    host::ReducePair(*kernel, static_cast<std::byte*>(c), static_cast<const std::byte*>(a),
                     static_cast<const std::byte*>(b), n);
  }
};

// Gloo's templated options only need the element size.
template <typename Fn>
void WithElementType(size_t esz, Fn&& fn) {
  switch (esz) {
    case 1: fn(uint8_t{}); break;
    case 2: fn(uint16_t{}); break;
    case 4: fn(uint32_t{}); break;
    default: fn(uint64_t{}); break;
  }
}

std::vector<int64_t> Signed(const std::vector<size_t>& v) {
  return std::vector<int64_t>(v.begin(), v.end());
}

class GlooNodeComm final : public NodeComm {
 public:
  explicit GlooNodeComm(std::shared_ptr<::gloo::Context> context)
      : context_(std::move(context)) {}

  int rank() const override { return context_->rank; }
  int size() const override { return context_->size; }

  Status AllReduce(void* buf, size_t count, DataType dtype, ReduceOp op,
                   Millis timeout) override {
    const host::ReduceKernel* kernel = host::FindReduceKernel(dtype, op);
    if (kernel == nullptr) return InvalidArgument("no reduce kernel for this dtype and op");
    if (count == 0 || size() == 1) return Status::Ok();
    return Call("all_reduce among nodes", [&] {
      ::gloo::AllreduceOptions opts(context_);
      WithElementType(kernel->elem_size, [&](auto t) {
        opts.setOutput(static_cast<decltype(t)*>(buf), count);
      });
      opts.setReduceFunction(PairwiseReduce{kernel});
      opts.setTimeout(timeout);
      ::gloo::allreduce(opts);
    });
  }

  Status Reduce(void* buf, size_t count, DataType dtype, ReduceOp op, int root,
                Millis timeout) override {
    const host::ReduceKernel* kernel = host::FindReduceKernel(dtype, op);
    if (kernel == nullptr) return InvalidArgument("no reduce kernel for this dtype and op");
    if (count == 0 || size() == 1) return Status::Ok();
    return Call("reduce among nodes", [&] {
      ::gloo::ReduceOptions opts(context_);
      WithElementType(kernel->elem_size, [&](auto t) {
        opts.setOutput(static_cast<decltype(t)*>(buf), count);
      });
      opts.setRoot(root);
      opts.setReduceFunction(PairwiseReduce{kernel});
      opts.setTimeout(timeout);
      ::gloo::reduce(opts);
    });
  }

  Status Broadcast(void* buf, size_t bytes, int root, Millis timeout) override {
    if (bytes == 0 || size() == 1) return Status::Ok();
    return Call("broadcast among nodes", [&] {
      ::gloo::BroadcastOptions opts(context_);
      opts.setOutput(static_cast<uint8_t*>(buf), bytes);
      opts.setRoot(root);
      opts.setTimeout(timeout);
      ::gloo::broadcast(opts);
    });
  }

  Status AllGatherV(const void* in, size_t in_bytes, void* out,
                    const std::vector<size_t>& bytes_per_node, Millis timeout) override {
    size_t total = 0;
    for (size_t b : bytes_per_node) total += b;
    if (total == 0) return Status::Ok();
    return Call("all_gather among nodes", [&] {
      ::gloo::AllgathervOptions opts(context_);
      opts.setInput(static_cast<uint8_t*>(const_cast<void*>(in)), in_bytes);
      opts.setOutput(static_cast<uint8_t*>(out), bytes_per_node);
      opts.setTimeout(timeout);
      ::gloo::allgatherv(opts);
    });
  }

  Status AllToAllV(const void* in, const std::vector<size_t>& send_bytes, void* out,
                   const std::vector<size_t>& recv_bytes, Millis timeout) override {
    size_t total = 0;
    for (size_t b : send_bytes) total += b;
    for (size_t b : recv_bytes) total += b;
    if (total == 0) return Status::Ok();
    // Gloo wants non-null pointers even for empty sides.
    static uint8_t empty = 0;
    auto* src = in ? static_cast<uint8_t*>(const_cast<void*>(in)) : &empty;
    auto* dst = out ? static_cast<uint8_t*>(out) : &empty;
    return Call("all_to_all among nodes", [&] {
      ::gloo::AlltoallvOptions opts(context_);
      opts.setInput(src, Signed(send_bytes));
      opts.setOutput(dst, Signed(recv_bytes));
      opts.setTimeout(timeout);
      ::gloo::alltoallv(opts);
    });
  }

  StatusOr<std::unique_ptr<Pending>> PostSend(const void* buf, size_t bytes, int dst,
                                              uint64_t slot) override {
    return Post(true, const_cast<void*>(buf), bytes, dst, slot);
  }

  StatusOr<std::unique_ptr<Pending>> PostRecv(void* buf, size_t bytes, int src,
                                              uint64_t slot) override {
    return Post(false, buf, bytes, src, slot);
  }

  void Close() override {
    std::lock_guard lock(close_mu_);
    if (closed_) return;
    closed_ = true;
    (void)GlooCall("closing connections", [&] { context_->closeConnections(); });
  }

 private:
  class GlooPending final : public Pending {
   public:
    GlooPending(std::unique_ptr<::gloo::transport::UnboundBuffer> buf, bool send,
                std::string doing)
        : buf_(std::move(buf)), send_(send), doing_(std::move(doing)) {}
    Status Wait(Millis timeout) override {
      return GlooCall(doing_, [&] {
        const bool done = send_ ? buf_->waitSend(timeout) : buf_->waitRecv(timeout);
        if (!done) throw ::gloo::IoException("the transfer was aborted");
      });
    }

   private:
    std::unique_ptr<::gloo::transport::UnboundBuffer> buf_;
    const bool send_;
    const std::string doing_;
  };

  StatusOr<std::unique_ptr<Pending>> Post(bool send, void* buf, size_t bytes, int peer,
                                          uint64_t slot) {
    const std::string doing = (send ? "send to node " : "recv from node ") + std::to_string(peer);
    std::unique_ptr<::gloo::transport::UnboundBuffer> ub;
    RETURN_IF_ERROR(Call(doing, [&] {
      ub = context_->createUnboundBuffer(buf, bytes);
      if (send) {
        ub->send(peer, slot);
      } else {
        ub->recv(peer, slot);
      }
    }));
    return std::unique_ptr<Pending>(new GlooPending(std::move(ub), send, doing));
  }

  template <typename Fn>
  Status Call(const std::string& doing, Fn&& fn) {
    {
      std::lock_guard lock(close_mu_);
      if (closed_) return Unavailable(doing + ": the connections to the other nodes are closed");
    }
    return GlooCall(doing, std::forward<Fn>(fn));
  }

  std::shared_ptr<::gloo::Context> context_;
  std::mutex close_mu_;
  bool closed_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<NodeComm>> ConnectNodeComm(std::shared_ptr<rendezvous::Store> store,
                                                   const NodeCommOptions& o) {
  GlooContextOptions g;
  g.rank = o.rank;
  g.size = o.size;
  g.store_prefix = o.store_prefix;
  g.hostname = o.hostname;
  g.timeout = o.timeout;
  ASSIGN_OR_RETURN(std::shared_ptr<::gloo::Context> context,
                   MakeGlooContext(std::move(store), g));
  return std::unique_ptr<NodeComm>(new GlooNodeComm(std::move(context)));
}

}  // namespace ccs::gloo_engine
