// Device buffer registration as ccsd does it: BufferRegistry::RegisterDevice
// with DeviceBufferMapper::Map over the FakeIpcOpener (the mock of
// cudaIpcOpenMemHandle: CUDA IPC cannot run without a GPU). Checks range
// validation, unknown devices, one open per allocation across buffers,
// release at unregister and at session end, and the per-session limits.
#include <catch2/catch.hpp>

#include "daemon/core/buffer_registry.h"
#include "daemon/engine/cuda/device_buffer_mapper.h"
#include "tests/unit/engine/cuda/fake_ipc_opener.h"

namespace ccs::cuda {
namespace {

LocalDevice Gpu(uint8_t tag, int ordinal) {
  LocalDevice d;
  d.uuid.bytes.fill(tag);
  d.ordinal = ordinal;
  return d;
}

DeviceBufferDesc Desc(uint8_t gpu, uint8_t allocation, uint64_t offset, uint64_t size) {
  DeviceBufferDesc d;
  d.mem_handle.fill(allocation);
  d.device.bytes.fill(gpu);
  d.alloc_size = 1 << 20;
  d.alloc_offset = offset;
  d.size_bytes = size;
  return d;
}

Session MakeSession(uint64_t id) {
  Session s;
  s.id = id;
  return s;
}

// A registry and a mapper over two fake GPUs (tags 1 and 2, ordinals 0, 1).
struct Fixture {
  explicit Fixture(Limits limits = Limits{}) : buffers(limits) {
    auto fake = std::make_unique<FakeIpcOpener>();
    opener = fake.get();
    mapper = std::make_unique<DeviceBufferMapper>(std::move(fake),
                                                  std::vector{Gpu(1, 0), Gpu(2, 1)});
  }
  StatusOr<uint64_t> Register(uint64_t session, const DeviceBufferDesc& desc) {
    return buffers.RegisterDevice(
        MakeSession(session), FormatDeviceUuid(desc.device), desc.size_bytes,
        [&]() -> StatusOr<DeviceRange> {
          ASSIGN_OR_RETURN(auto mapping, mapper->Map(session, desc));
          return DeviceRange{mapping->data, mapping->index, std::move(mapping)};
        });
  }

  FakeIpcOpener* opener = nullptr;
  std::unique_ptr<DeviceBufferMapper> mapper;  // outlives the registry's mappings
  BufferRegistry buffers;
};

TEST_CASE("a device buffer maps its range on the GPU named by UUID",
          "[cuda][device_registration]") {
  DeviceBufferMapper mapper(std::make_unique<FakeIpcOpener>(), {Gpu(1, 0), Gpu(2, 1)});
  auto m = mapper.Map(7, Desc(2, 9, 4096, 8192));
  REQUIRE(m.ok());
  CHECK((*m)->size == 8192);
  CHECK((*m)->device.ordinal == 1);
  CHECK((*m)->index == 1);  // the engines' GPU index: position in the device list
  CHECK(mapper.mapped() == 1);
  m->reset();
  CHECK(mapper.mapped() == 0);
}

TEST_CASE("registration lists the device buffer and resolves ranges to device addresses",
          "[cuda][device_registration]") {
  Fixture f;
  auto id = f.Register(1, Desc(2, 9, 1024, 4096));
  REQUIRE(id.ok());
  auto list = f.buffers.List();
  REQUIRE(list.size() == 1);
  CHECK(list[0].kind == BufferKind::kCudaIpc);
  CHECK(list[0].device == FormatDeviceUuid(Desc(2, 9, 0, 1).device));
  CHECK(list[0].size == 4096);
  CHECK(list[0].session_id == 1);
  REQUIRE(f.opener->open_now.size() == 1);
  auto* base = static_cast<std::byte*>(f.opener->open_now.begin()->first);
  auto r = f.buffers.Resolve(1, *id, 16, 32);
  REQUIRE(r.ok());
  CHECK(r->data == base + 1024 + 16);  // allocation base + registered offset + op offset
  CHECK(r->gpu == 1);
  CHECK(r->keepalive == nullptr);
  CHECK(r->device_keepalive != nullptr);
  auto past = f.buffers.Resolve(1, *id, 4090, 16);
  CHECK(past.status().code() == StatusCode::kInvalidArgument);
  CHECK(past.status().message().find("device memory on GPU-") != std::string::npos);
  CHECK(f.buffers.Resolve(2, *id, 0, 16).status().code() == StatusCode::kNotFound);
  list.clear();  // records hold the mapping too
  // An op's keepalive holds the mapping open past unregistration.
  REQUIRE(f.buffers.Unregister(1, *id).ok());
  CHECK(f.opener->open_now.size() == 1);
  r = NotFound("released");
  REQUIRE(f.mapper->WaitClosed(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  CHECK(f.opener->open_now.empty());
}

TEST_CASE("a range outside its allocation is refused before any open",
          "[cuda][device_registration]") {
  Fixture f;
  auto past = f.Register(1, Desc(1, 9, (1 << 20) - 100, 101));
  CHECK(past.status().code() == StatusCode::kInvalidArgument);
  auto wrap = f.Register(1, Desc(1, 9, UINT64_MAX - 10, 100));
  CHECK(wrap.status().code() == StatusCode::kInvalidArgument);
  auto empty = f.Register(1, Desc(1, 9, 0, 0));
  CHECK(empty.status().code() == StatusCode::kInvalidArgument);
  CHECK(f.opener->opens == 0);
  CHECK(f.buffers.List().empty());
}

TEST_CASE("a GPU the daemon does not see is NOT_FOUND naming its UUID",
          "[cuda][device_registration]") {
  Fixture f;
  auto r = f.Register(1, Desc(5, 9, 0, 64));
  REQUIRE(r.status().code() == StatusCode::kNotFound);
  CHECK(r.status().message().find(FormatDeviceUuid(Desc(5, 9, 0, 1).device)) !=
        std::string::npos);
  CHECK(f.opener->opens == 0);
  CHECK(f.buffers.List().empty());
}

TEST_CASE("two buffers in one allocation open it once; the last unregister closes it",
          "[cuda][device_registration]") {
  Fixture f;
  auto a = f.Register(1, Desc(1, 9, 0, 4096));
  auto b = f.Register(1, Desc(1, 9, 4096, 4096));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(f.opener->opens == 1);
  CHECK(f.mapper->mapped() == 1);
  REQUIRE(f.buffers.Unregister(1, *a).ok());
  CHECK(f.opener->closed.empty());
  CHECK(f.buffers.Unregister(2, *b).code() == StatusCode::kNotFound);  // not its owner
  REQUIRE(f.buffers.Unregister(1, *b).ok());
  REQUIRE(f.mapper->WaitClosed(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  CHECK(f.opener->closed.size() == 1);
  CHECK(f.mapper->mapped() == 0);
}

TEST_CASE("a session's end releases its device buffers, not another's",
          "[cuda][device_registration]") {
  Fixture f;
  REQUIRE(f.Register(1, Desc(1, 9, 0, 64)).ok());
  REQUIRE(f.Register(1, Desc(2, 3, 0, 64)).ok());
  REQUIRE(f.Register(2, Desc(1, 9, 64, 64)).ok());  // same allocation, other session
  CHECK(f.opener->opens == 2);
  f.buffers.DropSession(1);
  REQUIRE(f.mapper->WaitClosed(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  CHECK(f.opener->closed.size() == 1);  // GPU 2's allocation; GPU 1's still used
  CHECK(f.mapper->mapped() == 1);
  f.buffers.DropSession(2);
  CHECK(f.mapper->mapped() == 0);
  REQUIRE(f.mapper->WaitClosed(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  CHECK(f.opener->open_now.empty());
}

TEST_CASE("a failed open registers nothing", "[cuda][device_registration]") {
  Fixture f;
  f.opener->fail_next = true;
  auto r = f.Register(1, Desc(1, 9, 0, 64));
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("cudaIpcOpenMemHandle") != std::string::npos);
  CHECK(f.buffers.List().empty());
  CHECK(f.mapper->mapped() == 0);
}

TEST_CASE("device buffers count against the session's limits",
          "[cuda][device_registration]") {
  Limits limits;
  limits.max_buffers_per_session = 2;
  limits.max_mapped_bytes_per_session = 8192;
  Fixture f(limits);
  REQUIRE(f.Register(1, Desc(1, 9, 0, 4096)).ok());
  auto too_big = f.Register(1, Desc(1, 9, 4096, 4097));
  CHECK(too_big.status().code() == StatusCode::kResourceExhausted);
  REQUIRE(f.Register(1, Desc(1, 9, 4096, 4096)).ok());
  auto third = f.Register(1, Desc(1, 9, 8192, 1));
  CHECK(third.status().code() == StatusCode::kResourceExhausted);
  CHECK(third.status().message().find("max_buffers_per_session") != std::string::npos);
  CHECK(f.Register(2, Desc(1, 9, 0, 64)).ok());  // per session
  CHECK(f.opener->opens == 1);
}

}  // namespace
}  // namespace ccs::cuda
