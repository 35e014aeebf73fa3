// rendezvous_gloo_worker: one rank of the multi-process Gloo tests.
//
//   rendezvous_gloo_worker PARENT_PID STORE_HOST:PORT RANK SIZE PREFIX TIMEOUT_MS
//
// Reaches the test's store through RemoteStore, forms a Gloo context over it
// (TCP on 127.0.0.1), runs float-sum all-reduces (in place and out of place,
// several counts), each checked element by element, and a barrier. Exits 0 on
// success; otherwise prints the Status and exits 10 + its code (so
// DEADLINE_EXCEEDED is 14). Dies with its parent (PR_SET_PDEATHSIG).
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/math.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "daemon/engine/gloo/context.h"
#include "daemon/engine/gloo/error.h"
#include "daemon/rendezvous/address.h"
#include "daemon/rendezvous/remote_store.h"

namespace ccs {
namespace {

constexpr int kExitStatusBase = 10;

float Input(int rank, size_t i) { return static_cast<float>((rank + 1) * (i % 97 + 1)); }

// Sums Input(r, i) over all ranks into out (in place when out == in).
Status AllReduceAndCheck(const std::shared_ptr<::gloo::Context>& context, size_t count,
                         bool in_place, uint32_t tag) {
  std::vector<float> in(count);
  for (size_t i = 0; i < count; ++i) in[i] = Input(context->rank, i);
  std::vector<float> out(in_place ? 0 : count, -1.0F);
  float* result = in_place ? in.data() : out.data();
  RETURN_IF_ERROR(gloo_engine::GlooCall("allreduce", [&] {
    ::gloo::AllreduceOptions opts(context);
    if (!in_place) opts.setInput(in.data(), count);
    opts.setOutput(result, count);
    opts.setReduceFunction(static_cast<void (*)(void*, const void*, const void*, size_t)>(
        &::gloo::sum<float>));
    opts.setTag(tag);
    ::gloo::allreduce(opts);
  }));
  const int n = context->size;
  for (size_t i = 0; i < count; ++i) {
    const float expected = static_cast<float>((i % 97 + 1) * n * (n + 1) / 2);
    if (result[i] != expected) {
      return Internal("allreduce of " + std::to_string(count) + " floats (" +
                      (in_place ? "in place" : "out of place") + "): element " +
                      std::to_string(i) + " is " + std::to_string(result[i]) +
                      ", expected " + std::to_string(expected));
    }
  }
  return Status::Ok();
}

Status Run(const std::string& store_target, int rank, int size, const std::string& prefix,
           std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(rendezvous::RendezvousAddress address,
                   rendezvous::ParseRendezvousAddress("ccs://" + store_target));
  rendezvous::RemoteStoreOptions store_options;
  store_options.call_timeout = timeout;
  std::shared_ptr<rendezvous::Store> store =
      rendezvous::MakeRemoteStore(address, store_options);
  gloo_engine::GlooContextOptions options;
  options.rank = rank;
  options.size = size;
  options.store_prefix = prefix;
  options.hostname = "127.0.0.1";
  options.timeout = timeout;
  ASSIGN_OR_RETURN(std::shared_ptr<::gloo::Context> context,
                   gloo_engine::MakeGlooContext(store, options));
  uint32_t tag = 0;
  for (size_t count : {size_t{1}, size_t{7}, size_t{4099}, size_t{1} << 18}) {
    RETURN_IF_ERROR(AllReduceAndCheck(context, count, /*in_place=*/true, ++tag));
    RETURN_IF_ERROR(AllReduceAndCheck(context, count, /*in_place=*/false, ++tag));
  }
  return gloo_engine::GlooCall("barrier", [&] {
    ::gloo::BarrierOptions opts(context);
    opts.setTag(++tag);
    ::gloo::barrier(opts);
  });
}

}  // namespace
}  // namespace ccs

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr,
                 "usage: %s PARENT_PID STORE_HOST:PORT RANK SIZE PREFIX TIMEOUT_MS\n",
                 argv[0]);
    return 2;
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != std::atoi(argv[1])) return 3;  // the parent is already gone
  const int rank = std::atoi(argv[3]);
  ccs::Status status = ccs::Run(argv[2], rank, std::atoi(argv[4]), argv[5],
                                std::chrono::milliseconds(std::atoll(argv[6])));
  if (!status.ok()) {
    std::fprintf(stderr, "rank %d: %s\n", rank, status.ToString().c_str());
    return ccs::kExitStatusBase + static_cast<int>(status.code());
  }
  std::printf("rank %d: ok\n", rank);
  return 0;
}
