// ccs-example-allreduce: the smallest complete ccs program.
//
// Start it once per rank, e.g. for two ranks:
//   ccs-example-allreduce 0 2 &  ccs-example-allreduce 1 2
// Every rank contributes [rank+1, rank+1, ...]; after the all-reduce every
// rank holds the sum over ranks, N*(N+1)/2, in every element.
//
// Usage: ccs-example-allreduce RANK WORLD_SIZE [ADDRESS]
// ADDRESS defaults to $CCS_ADDRESS, else unix:///run/ccs/ccs.sock.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ccs/ccs.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s RANK WORLD_SIZE [ADDRESS]\n", argv[0]);
    return 1;
  }
  const auto rank = static_cast<uint32_t>(std::stoul(argv[1]));
  const auto world_size = static_cast<uint32_t>(std::stoul(argv[2]));
  constexpr uint64_t kCount = 8;  // elements per rank

  try {
    // 1. Open a session with the node's daemon. It ends when `client` is
    //    destroyed or this process exits.
    ccs::ClientOptions options;
    if (argc > 3) options.address = argv[3];
    options.client_name = "allreduce-example rank " + std::to_string(rank);
    std::unique_ptr<ccs::Client> client = ccs::Client::Connect(options);

    // 2. Create a shared-memory buffer the daemon can see, and fill it.
    std::unique_ptr<ccs::HostBuffer> buffer =
        client->CreateHostBuffer(kCount * sizeof(float));
    float* data = buffer->as<float>();
    for (uint64_t i = 0; i < kCount; ++i) data[i] = static_cast<float>(rank + 1);

    // 3. Join the group; this blocks until all `world_size` ranks have joined.
    std::unique_ptr<ccs::Group> group = client->JoinGroup("example", world_size, rank);

    // 4. Sum over ranks, in place: ccs::kInPlace as the send side means
    //    "read the input from the receive buffer and overwrite it".
    group->AllReduce(ccs::kInPlace, *buffer, kCount, ccs::DataType::kFloat32,
                     ccs::ReduceOp::kSum);

    std::printf("rank %u of %u: ", rank, world_size);
    for (uint64_t i = 0; i < kCount; ++i) std::printf("%g ", data[i]);
    std::printf("(expected %u)\n", world_size * (world_size + 1) / 2);

    // 5. Destroy in reverse order: the group (leaves it), the buffer
    //    (unregisters it), then the client. unique_ptr does this for us.
  } catch (const ccs::Error& e) {
    // Every SDK failure is a ccs::Error: a code plus a message saying what
    // went wrong (e.g. UNAVAILABLE when no daemon runs at the address).
    std::fprintf(stderr, "rank %u: %s\n", rank, e.what());
    return 1;
  }
  return 0;
}
