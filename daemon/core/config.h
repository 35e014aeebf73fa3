// Daemon configuration: every tunable defined once, with one default.
//
// Precedence: flag > CCS_* environment variable > YAML file > default.
// ConfigLoader records where each effective value came from so
// `ccsd --print-config` can show it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "daemon/core/status.h"

namespace ccs {

struct Limits {
  uint32_t max_buffers_per_session = 1024;
  uint64_t max_mapped_bytes_per_session = uint64_t{64} << 30;
  uint32_t max_groups_per_session = 256;
};

// The largest max_object_bytes accepted (gRPC messages stay below 2 GiB).
inline constexpr uint64_t kMaxObjectBytesLimit = uint64_t{1} << 30;

struct Config {
  // Unix socket path (a "unix://" prefix is accepted and stripped).
  std::string socket = "/run/ccs/ccs.sock";
  // Permission bits of the socket file.
  uint32_t socket_mode = 0660;
  // Group owning the socket file; empty keeps the daemon's group.
  std::string socket_group;
  // Optional TCP listener ("127.0.0.1:7070") serving inspection and health
  // only: sessions need the Unix socket's peer credentials.
  std::string tcp_listen;
  std::string log_level = "info";   // trace|debug|info|warn|error
  std::string log_format = "text";  // text|json
  // Default deadline for all ranks to arrive at a collective and finish it.
  uint32_t op_timeout_ms = 300000;
  // Default deadline for every rank to join a group.
  uint32_t join_timeout_ms = 60000;
  // Host engine threads per large op; 0 = all cores.
  uint32_t host_threads = 0;
  // The most bytes one metadata-plane call (object collective, send/recv
  // object) may carry or deliver to one rank; RESOURCE_EXHAUSTED past it.
  // The gRPC servers accept messages this large (plus a margin).
  uint64_t max_object_bytes = uint64_t{16} << 20;
  // Finished ops each group remembers for `ccsctl dump group` (0: none).
  uint32_t flight_recorder_ops = 256;
  // Optional HTTP listener ("127.0.0.1:9464") serving Prometheus /metrics;
  // empty: no metrics endpoint.
  std::string metrics_listen;
  // Optional TCP listener ("0.0.0.0:7071") serving grpc.health.v1 only, for
  // kubelet gRPC probes; empty: none.
  std::string health_listen;
  // On SIGTERM: how long in-flight ops may take to finish before they are
  // failed with UNAVAILABLE on every rank.
  uint32_t drain_grace_ms = 10000;
  // Multi-node. All empty: a single-node daemon. This daemon's name among
  // the nodes of a cluster; empty: the host name.
  std::string node_name;
  // TCP address ("0.0.0.0:7070") serving the peer protocol to other
  // daemons (and the rendezvous store, on the root). Needed with
  // `rendezvous`.
  std::string peer_listen;
  // host:port other daemons reach peer_listen at; empty: peer_listen, which
  // then must name a host other than 0.0.0.0.
  std::string peer_advertise;
  // "ccs://HOST:PORT": the rendezvous root's peer address. The daemon whose
  // peer_advertise equals it is the root and serves the store.
  std::string rendezvous;
  // CUDA engine (read only by a ccsd built with CUDA). The NCCL library
  // loaded at run time: a file name the dynamic linker searches for, or a
  // path.
  std::string nccl_library = "libnccl.so.2";
  // The daemon's own all-reduce kernels across GPUs of this node, in bytes
  // per rank: one-shot up to cuda_one_shot_max_bytes (half of it above 4
  // GPUs), two-shot up to cuda_two_shot_max_bytes, NCCL above when it can
  // serve the group. Ranks sharing one GPU always use the kernels.
  uint64_t cuda_one_shot_max_bytes = uint64_t{512} << 10;
  uint64_t cuda_two_shot_max_bytes = uint64_t{8} << 20;
  Limits limits;
};

// Where an effective value came from.
enum class ConfigSource { kDefault, kFile, kEnv, kFlag };
std::string_view ConfigSourceName(ConfigSource s);

// Describes one option: its YAML key (dotted for nesting, e.g.
// "limits.max_buffers_per_session"), environment variable and flag.
struct ConfigOption {
  std::string key;
  std::string env;   // CCS_...
  std::string flag;  // --...
  std::string help;
};

// The options, in the order --print-config shows them.
const std::vector<ConfigOption>& ConfigOptions();

// Builds a Config from its sources. Not thread-safe; used once at startup.
class ConfigLoader {
 public:
  // `flags` maps option keys to values given on the command line (only the
  // ones the user set). `env` is the environment (e.g. from environ).
  // `file` is a YAML path; empty means no file.
  Status Load(const std::string& file, const std::map<std::string, std::string>& env,
              const std::map<std::string, std::string>& flags);

  const Config& config() const { return config_; }
  ConfigSource source(const std::string& key) const;
  // YAML text of the effective configuration, each line commented with its
  // source.
  std::string Render() const;

 private:
  Status Apply(const std::string& key, const std::string& value, ConfigSource source);

  Config config_;
  std::map<std::string, ConfigSource> sources_;
};

// The current process environment as a map.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace ccs
