#include "daemon/core/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <sstream>

extern char** environ;

namespace ccs {
namespace {

// Getter and setter of one option on a Config.
struct Field {
  std::function<std::string(const Config&)> get;
  std::function<Status(Config&, const std::string&)> set;
};

template <typename T>
Status ParseUnsigned(const std::string& text, int base, T* out) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (base == 8 && text.size() > 1 && text[0] == '0') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, *out, base);
  if (ec != std::errc() || ptr != end || text.empty()) {
    return InvalidArgument("'" + text + "' is not a valid unsigned number");
  }
  return Status::Ok();
}

template <typename T>
Field NumberField(T Config::*member, int base = 10) {
  return {[member, base](const Config& c) {
            if (base == 8) {
              std::ostringstream os;
              os << '0' << std::oct << c.*member;
              return os.str();
            }
            return std::to_string(c.*member);
          },
          [member, base](Config& c, const std::string& v) {
            return ParseUnsigned(v, base, &(c.*member));
          }};
}

template <typename T>
Field LimitField(T Limits::*member) {
  return {[member](const Config& c) { return std::to_string(c.limits.*member); },
          [member](Config& c, const std::string& v) {
            return ParseUnsigned(v, 10, &(c.limits.*member));
          }};
}

Field StringField(std::string Config::*member,
                  std::initializer_list<const char*> allowed = {}) {
  std::vector<const char*> choices(allowed);
  return {[member](const Config& c) { return c.*member; },
          [member, choices](Config& c, const std::string& v) {
            if (!choices.empty()) {
              bool found = false;
              for (const char* a : choices) found = found || v == a;
              if (!found) {
                std::string list;
                for (const char* a : choices) list += list.empty() ? a : std::string("|") + a;
                return InvalidArgument("'" + v + "' is not one of " + list);
              }
            }
            c.*member = v;
            return Status::Ok();
          }};
}

const std::map<std::string, Field>& Fields() {
  static const auto* fields = new std::map<std::string, Field>{
      {"socket", StringField(&Config::socket)},
      {"socket_mode", NumberField(&Config::socket_mode, 8)},
      {"socket_group", StringField(&Config::socket_group)},
      {"tcp_listen", StringField(&Config::tcp_listen)},
      {"log_level", StringField(&Config::log_level,
                                {"trace", "debug", "info", "warn", "error"})},
      {"log_format", StringField(&Config::log_format, {"text", "json"})},
      {"op_timeout_ms", NumberField(&Config::op_timeout_ms)},
      {"join_timeout_ms", NumberField(&Config::join_timeout_ms)},
      {"host_threads", NumberField(&Config::host_threads)},
      {"max_object_bytes", NumberField(&Config::max_object_bytes)},
      {"flight_recorder_ops", NumberField(&Config::flight_recorder_ops)},
      {"metrics_listen", StringField(&Config::metrics_listen)},
      {"health_listen", StringField(&Config::health_listen)},
      {"drain_grace_ms", NumberField(&Config::drain_grace_ms)},
      {"node_name", StringField(&Config::node_name)},
      {"peer_listen", StringField(&Config::peer_listen)},
      {"peer_advertise", StringField(&Config::peer_advertise)},
      {"rendezvous", StringField(&Config::rendezvous)},
      {"nccl_library", StringField(&Config::nccl_library)},
      {"cuda_one_shot_max_bytes", NumberField(&Config::cuda_one_shot_max_bytes)},
      {"cuda_two_shot_max_bytes", NumberField(&Config::cuda_two_shot_max_bytes)},
      {"limits.max_buffers_per_session", LimitField(&Limits::max_buffers_per_session)},
      {"limits.max_mapped_bytes_per_session",
       LimitField(&Limits::max_mapped_bytes_per_session)},
      {"limits.max_groups_per_session", LimitField(&Limits::max_groups_per_session)},
  };
  return *fields;
}

ConfigOption Option(const std::string& key, const std::string& help) {
  std::string env = "CCS_";
  std::string flag = "--";
  for (char ch : key) {
    bool sep = ch == '.' || ch == '_';
    env += sep ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    flag += sep ? '-' : ch;
  }
  // Flags and env vars of nested keys drop the section prefix.
  if (key.rfind("limits.", 0) == 0) {
    flag = "--" + flag.substr(std::string("--limits-").size());
    env = "CCS_" + env.substr(std::string("CCS_LIMITS_").size());
  }
  return {key, env, flag, help};
}

// Flattens a YAML map into dotted keys.
void Flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, std::string>* out) {
  for (const auto& kv : node) {
    std::string key = prefix + kv.first.as<std::string>();
    if (kv.second.IsMap()) {
      Flatten(kv.second, key + ".", out);
    } else {
      (*out)[key] = kv.second.as<std::string>();
    }
  }
}

}  // namespace

std::string_view ConfigSourceName(ConfigSource s) {
  switch (s) {
    case ConfigSource::kDefault: return "default";
    case ConfigSource::kFile: return "file";
    case ConfigSource::kEnv: return "env";
    case ConfigSource::kFlag: return "flag";
  }
  return "?";
}

const std::vector<ConfigOption>& ConfigOptions() {
  static const auto* options = new std::vector<ConfigOption>{
      Option("socket", "Unix socket path clients connect to"),
      Option("socket_mode", "permission bits of the socket file (octal)"),
      Option("socket_group", "group owning the socket file (empty: the daemon's)"),
      Option("tcp_listen", "optional TCP address for inspection and health only"),
      Option("log_level", "trace|debug|info|warn|error"),
      Option("log_format", "text|json (JSON lines)"),
      Option("op_timeout_ms", "default deadline of a collective, in milliseconds"),
      Option("join_timeout_ms", "default deadline of group formation, in milliseconds"),
      Option("host_threads", "host engine threads per large op (0: all cores)"),
      Option("max_object_bytes",
             "most bytes one object call (broadcast/all_gather/scatter/send object) carries"),
      Option("flight_recorder_ops", "finished ops each group keeps for 'ccsctl dump group'"),
      Option("metrics_listen", "optional HTTP address serving Prometheus /metrics"),
      Option("health_listen", "optional TCP address serving grpc.health.v1 only"),
      Option("drain_grace_ms", "on SIGTERM, how long in-flight ops may take to finish"),
      Option("node_name", "this daemon's node name in a cluster (empty: host name)"),
      Option("peer_listen", "TCP address serving other daemons (needed with rendezvous)"),
      Option("peer_advertise", "host:port other daemons reach peer_listen at"),
      Option("rendezvous", "ccs://HOST:PORT of the rendezvous root (empty: single node)"),
      Option("nccl_library", "NCCL library the CUDA engine loads (file name or path)"),
      Option("cuda_one_shot_max_bytes",
             "custom all-reduce: one-shot up to this many bytes per rank (half above 4 GPUs)"),
      Option("cuda_two_shot_max_bytes",
             "custom all-reduce: two-shot up to this many bytes per rank, then NCCL"),
      Option("limits.max_buffers_per_session", "buffers one session may register"),
      Option("limits.max_mapped_bytes_per_session", "bytes one session may have mapped"),
      Option("limits.max_groups_per_session", "groups one session may be a member of"),
  };
  return *options;
}

Status ConfigLoader::Apply(const std::string& key, const std::string& value,
                           ConfigSource source) {
  auto it = Fields().find(key);
  if (it == Fields().end()) {
    return InvalidArgument("unknown config option '" + key + "'");
  }
  Status s = it->second.set(config_, value);
  if (!s.ok()) {
    return InvalidArgument("config option '" + key + "' from " +
                           std::string(ConfigSourceName(source)) + ": " + s.message());
  }
  sources_[key] = source;
  return Status::Ok();
}

Status ConfigLoader::Load(const std::string& file,
                          const std::map<std::string, std::string>& env,
                          const std::map<std::string, std::string>& flags) {
  config_ = Config{};
  sources_.clear();
  if (!file.empty()) {
    std::map<std::string, std::string> values;
    try {
      YAML::Node root = YAML::LoadFile(file);
      if (root.IsMap()) Flatten(root, "", &values);
      else if (!root.IsNull()) return InvalidArgument("config file " + file + " is not a YAML map");
    } catch (const YAML::Exception& e) {
      return InvalidArgument("cannot read config file " + file + ": " + e.what());
    }
    for (const auto& [key, value] : values) RETURN_IF_ERROR(Apply(key, value, ConfigSource::kFile));
  }
  for (const ConfigOption& opt : ConfigOptions()) {
    auto it = env.find(opt.env);
    if (it != env.end()) RETURN_IF_ERROR(Apply(opt.key, it->second, ConfigSource::kEnv));
  }
  for (const auto& [key, value] : flags) RETURN_IF_ERROR(Apply(key, value, ConfigSource::kFlag));
  if (config_.socket.rfind("unix://", 0) == 0) config_.socket = config_.socket.substr(7);
  if (config_.socket.empty()) return InvalidArgument("config option 'socket' is empty");
  if (config_.max_object_bytes > kMaxObjectBytesLimit) {
    return InvalidArgument("config option 'max_object_bytes' is " +
                           std::to_string(config_.max_object_bytes) + ", more than " +
                           std::to_string(kMaxObjectBytesLimit) +
                           " (1 GiB: gRPC messages must stay below 2 GiB)");
  }
  return Status::Ok();
}

ConfigSource ConfigLoader::source(const std::string& key) const {
  auto it = sources_.find(key);
  return it == sources_.end() ? ConfigSource::kDefault : it->second;
}

std::string ConfigLoader::Render() const {
  std::ostringstream os;
  std::string section;
  for (const ConfigOption& opt : ConfigOptions()) {
    std::string key = opt.key;
    std::string indent;
    auto dot = key.find('.');
    if (dot != std::string::npos) {
      std::string sec = key.substr(0, dot);
      if (sec != section) os << sec << ":\n";
      section = sec;
      key = key.substr(dot + 1);
      indent = "  ";
    }
    std::string value = Fields().at(opt.key).get(config_);
    os << indent << key << ": " << (value.empty() ? "\"\"" : value) << "  # "
       << ConfigSourceName(source(opt.key)) << "; " << opt.help << "\n";
  }
  return os.str();
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace ccs
