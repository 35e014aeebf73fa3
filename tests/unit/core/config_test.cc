#include "daemon/core/config.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

namespace ccs {
namespace {

std::string WriteTemp(const std::string& text) {
  char path[] = "/tmp/ccs-config-test-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

TEST_CASE("Config defaults need no file", "[config]") {
  ConfigLoader loader;
  REQUIRE(loader.Load("", {}, {}).ok());
  CHECK(loader.config().socket == "/run/ccs/ccs.sock");
  CHECK(loader.config().socket_mode == 0660);
  CHECK(loader.source("socket") == ConfigSource::kDefault);
}

TEST_CASE("Config precedence is flag > env > file > default", "[config]") {
  std::string file = WriteTemp(
      "socket: /tmp/from-file.sock\n"
      "op_timeout_ms: 111\n"
      "join_timeout_ms: 222\n"
      "limits:\n  max_buffers_per_session: 7\n");
  ConfigLoader loader;
  REQUIRE(loader.Load(file, {{"CCS_OP_TIMEOUT_MS", "333"}, {"CCS_JOIN_TIMEOUT_MS", "444"}},
                      {{"join_timeout_ms", "555"}})
              .ok());
  const Config& c = loader.config();
  CHECK(c.socket == "/tmp/from-file.sock");
  CHECK(c.op_timeout_ms == 333);
  CHECK(c.join_timeout_ms == 555);
  CHECK(c.limits.max_buffers_per_session == 7);
  CHECK(loader.source("socket") == ConfigSource::kFile);
  CHECK(loader.source("op_timeout_ms") == ConfigSource::kEnv);
  CHECK(loader.source("join_timeout_ms") == ConfigSource::kFlag);
  std::string rendered = loader.Render();
  CHECK(rendered.find("join_timeout_ms: 555  # flag") != std::string::npos);
  CHECK(rendered.find("  max_buffers_per_session: 7  # file") != std::string::npos);
  std::remove(file.c_str());
}

TEST_CASE("Config rejects bad values naming the option", "[config]") {
  ConfigLoader loader;
  Status s = loader.Load("", {{"CCS_OP_TIMEOUT_MS", "soon"}}, {});
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("op_timeout_ms") != std::string::npos);
  CHECK(s.message().find("env") != std::string::npos);
  CHECK(loader.Load("", {}, {{"log_format", "xml"}}).code() == StatusCode::kInvalidArgument);
  std::string file = WriteTemp("no_such_option: 1\n");
  s = loader.Load(file, {}, {});
  CHECK(s.message().find("no_such_option") != std::string::npos);
  std::remove(file.c_str());
  CHECK(loader.Load("/nonexistent/ccsd.yaml", {}, {}).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Config accepts unix:// sockets and octal modes", "[config]") {
  ConfigLoader loader;
  REQUIRE(loader.Load("", {}, {{"socket", "unix:///tmp/a.sock"}, {"socket_mode", "0600"}}).ok());
  CHECK(loader.config().socket == "/tmp/a.sock");
  CHECK(loader.config().socket_mode == 0600);
}

TEST_CASE("max_object_bytes defaults to 16 MiB and is bounded by 1 GiB", "[config]") {
  ConfigLoader loader;
  REQUIRE(loader.Load("", {}, {}).ok());
  CHECK(loader.config().max_object_bytes == (uint64_t{16} << 20));
  REQUIRE(loader.Load("", {{"CCS_MAX_OBJECT_BYTES", "1024"}}, {}).ok());
  CHECK(loader.config().max_object_bytes == 1024);
  CHECK(loader.source("max_object_bytes") == ConfigSource::kEnv);
  Status s = loader.Load(
      "", {}, {{"max_object_bytes", std::to_string(kMaxObjectBytesLimit + 1)}});
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("max_object_bytes") != std::string::npos);
}

TEST_CASE("Every option has an env var and a flag", "[config]") {
  for (const ConfigOption& o : ConfigOptions()) {
    CHECK(o.env.rfind("CCS_", 0) == 0);
    CHECK(o.flag.rfind("--", 0) == 0);
  }
}

TEST_CASE("CUDA engine options have defaults and track their source", "[config]") {
  ConfigLoader loader;
  REQUIRE(loader.Load("", {{"CCS_NCCL_LIBRARY", "/opt/nccl/libnccl.so.2"}},
                      {{"cuda_two_shot_max_bytes", "1048576"}})
              .ok());
  CHECK(loader.config().nccl_library == "/opt/nccl/libnccl.so.2");
  CHECK(loader.source("nccl_library") == ConfigSource::kEnv);
  CHECK(loader.config().cuda_one_shot_max_bytes == 524288);
  CHECK(loader.source("cuda_one_shot_max_bytes") == ConfigSource::kDefault);
  CHECK(loader.config().cuda_two_shot_max_bytes == 1048576);
  CHECK(loader.source("cuda_two_shot_max_bytes") == ConfigSource::kFlag);
  CHECK(loader.Render().find("nccl_library: /opt/nccl/libnccl.so.2  # env;") !=
        std::string::npos);
  CHECK(loader.Load("", {}, {{"cuda_one_shot_max_bytes", "lots"}}).code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccs
