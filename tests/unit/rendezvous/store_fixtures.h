// The Store implementations the contract tests run against, each behind the
// same `Store& store()`: the in-process MemoryStore, RemoteStore talking to a
// real StoreService on 127.0.0.1 (port 0), and a PrefixStore view.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "daemon/rendezvous/memory_store.h"
#include "daemon/rendezvous/prefix_store.h"
#include "daemon/rendezvous/remote_store.h"
#include "daemon/rendezvous/store_service.h"

namespace ccs::rendezvous::testing {

struct MemoryFixture {
  std::shared_ptr<MemoryStore> memory = std::make_shared<MemoryStore>();
  Store& store() { return *memory; }
};

// A MemoryStore served over gRPC in this process, and a client for it.
struct ServedStore {
  explicit ServedStore(MemoryStoreOptions options = {})
      : memory(std::make_shared<MemoryStore>(options)) {
    StatusOr<std::unique_ptr<StoreServer>> started =
        StoreServer::Start(memory, "127.0.0.1:0");
    if (!started.ok()) throw std::runtime_error(started.status().ToString());
    server = std::move(started).value();
  }
  RendezvousAddress address() const {
    return {"127.0.0.1", static_cast<uint16_t>(server->port())};
  }
  std::string target() const { return address().GrpcTarget(); }

  std::shared_ptr<MemoryStore> memory;
  std::unique_ptr<StoreServer> server;
};

struct RemoteFixture {
  ServedStore served;
  std::unique_ptr<Store> remote = MakeRemoteStore(served.address());
  Store& store() { return *remote; }
};

struct PrefixFixture {
  std::shared_ptr<MemoryStore> memory = std::make_shared<MemoryStore>();
  PrefixStore view{memory, "group/7"};
  Store& store() { return view; }
};

}  // namespace ccs::rendezvous::testing
